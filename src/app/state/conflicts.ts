import type { ConflictDoc } from "../../schema/types.js";
import type { Snapshot } from "../../store/types.js";
import { CONFLICTS } from "./documents.js";

export function allConflicts(snap: Snapshot): ConflictDoc[] {
  return snap.paths(`${CONFLICTS}/`).map((p) => snap.get(p) as ConflictDoc);
}

/** Conflicts nobody has acknowledged yet, oldest first. */
export function openConflicts(snap: Snapshot): ConflictDoc[] {
  return allConflicts(snap).filter((c) => c.acknowledged === false);
}
