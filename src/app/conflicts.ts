import { InvalidTransitionError, NotFoundError } from "../errors.js";
import type { ConflictDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { allConflicts } from "./state/conflicts.js";
import { conflictPath } from "./state/documents.js";
import { loadSnapshot, readPlan } from "./state/plan.js";

export interface ConflictQuery {
  /** Include acknowledged conflicts too. */
  all?: boolean;
  /** Only conflicts of operations by this actor. */
  actor?: string;
}

/** Operations a sync could not replay on a remote's state: what each was and why it did not stand. */
export async function listConflicts(ctx: AppContext, query: ConflictQuery = {}): Promise<{ conflicts: ConflictDoc[] }> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  const conflicts = allConflicts(snap).filter((c) => (query.all || c.acknowledged === false) && (!query.actor || c.actor === query.actor));
  return { conflicts };
}

/** Marks a conflict as seen (one commit); the record stays in the audit trail. */
export async function acknowledgeConflict(ctx: AppContext, input: { id: string; note?: string }): Promise<{ conflict: ConflictDoc; commit: string }> {
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const matches = allConflicts(snap).filter((c) => c.id === input.id || c.id.startsWith(input.id));
    if (matches.length === 0) throw new NotFoundError("NOT_FOUND", `no sync conflict ${input.id}`, { hint: "planref conflicts lists them." });
    if (matches.length > 1) throw new NotFoundError("NOT_FOUND", `"${input.id}" matches ${matches.length} conflicts; use more of the id`, { data: { candidates: matches.map((c) => c.id) } });
    const c = matches[0] as ConflictDoc;
    if (c.acknowledged !== false) throw new InvalidTransitionError("conflict", c.id, "acknowledged", "acknowledge");
    const done: ConflictDoc = { ...c, acknowledged: { by: ctx.actor.name, at: ctx.now().toISOString(), ...(input.note ? { note: input.note } : {}) } };
    return {
      changes: [{ path: conflictPath(c.id), value: done }],
      commit: commitInfo(ctx, "conflict-ack", `acknowledge sync conflict ${c.id} (${c.op}${c.task ? ` ${c.task}` : ""})`, c.task ? { task: c.task } : {}, input.note),
      result: done,
    };
  });
  return { conflict: res.result, commit: res.commit as string };
}
