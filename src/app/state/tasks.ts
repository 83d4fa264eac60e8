import { AmbiguousIdError, NotFoundError } from "../../errors.js";
import type { SpecDoc, TaskDoc } from "../../schema/types.js";
import type { Snapshot } from "../../store/types.js";
import { SPECS, specPath, TASKS, taskPath } from "./documents.js";

const naturally = new Intl.Collator("en", { numeric: true });

/** Every task, in reading order: by spec, then by id with numbers compared as numbers (T2 < T10). */
/**
 * Views of one commit never change, so the sorted list is kept per view: a long-running
 * server answering many calls at one tip sorts 10,000 tasks once, not on every call.
 */
const sortedTasks = new WeakMap<Snapshot, TaskDoc[]>();

export function allTasks(snap: Snapshot): TaskDoc[] {
  let sorted = sortedTasks.get(snap);
  if (!sorted) {
    sorted = snap
      .paths(`${TASKS}/`)
      .map((p) => snap.get(p) as TaskDoc)
      .sort((a, b) => naturally.compare(a.spec ?? "", b.spec ?? "") || naturally.compare(a.localId, b.localId) || (a.id < b.id ? -1 : 1));
    sortedTasks.set(snap, sorted);
  }
  return sorted.slice();
}

export function allSpecs(snap: Snapshot): SpecDoc[] {
  return snap
    .paths(`${SPECS}/`)
    .filter((p) => p.endsWith("/spec.yaml"))
    .map((p) => snap.get(p) as SpecDoc);
}

export function getTask(snap: Snapshot, id: string): TaskDoc | undefined {
  return snap.get(taskPath(id)) as TaskDoc | undefined;
}

export function getSpec(snap: Snapshot, id: string): SpecDoc | undefined {
  return snap.get(specPath(id)) as SpecDoc | undefined;
}

/**
 * Git-style naming: the full id, else the PRD's own id (T003) when only one spec has it,
 * else any unambiguous prefix of a full id. Ambiguity lists the candidates.
 */
export function resolveTaskId(snap: Snapshot, ref: string): string {
  if (getTask(snap, ref)) return ref;
  const tasks = allTasks(snap);
  const byLocal = tasks.filter((t) => t.localId === ref);
  if (byLocal.length === 1) return (byLocal[0] as TaskDoc).id;
  const candidates = byLocal.length > 1 ? byLocal.map((t) => t.id) : tasks.filter((t) => t.id.startsWith(ref)).map((t) => t.id);
  if (candidates.length === 1) return candidates[0] as string;
  if (candidates.length > 1) throw new AmbiguousIdError("task", ref, candidates.sort().slice(0, 20));
  throw new NotFoundError("NOT_FOUND", `no task "${ref}"`, { hint: "List tasks with: planref task list", data: { kind: "task", id: ref } });
}

export function resolveSpecId(snap: Snapshot, ref: string): string {
  if (getSpec(snap, ref)) return ref;
  const candidates = allSpecs(snap)
    .map((s) => s.id)
    .filter((id) => id.startsWith(ref));
  if (candidates.length === 1) return candidates[0] as string;
  if (candidates.length > 1) throw new AmbiguousIdError("spec", ref, candidates.sort());
  throw new NotFoundError("NOT_FOUND", `no spec "${ref}"`, { hint: "List specs with: planref spec list", data: { kind: "spec", id: ref } });
}

/** Tasks with a claim or evidence are never deleted: they become tombstones. */
export function hasWorkRecorded(snap: Snapshot, taskId: string): boolean {
  return snap.has(`claims/${taskPath(taskId).split("/")[1]}/${taskId}.yaml`) || snap.paths(`evidence/${taskPath(taskId).split("/")[1]}/${taskId}/`).length > 0;
}
