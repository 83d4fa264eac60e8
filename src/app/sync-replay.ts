import { parseDuration } from "../domain/claims/duration.js";
import { decideReplay, type ReplayDecision } from "../domain/sync/replay.js";
import { ValidationError } from "../errors.js";
import type { ConflictDoc } from "../schema/types.js";
import type { Fork, HistoryEntry } from "../store/types.js";
import type { AppContext } from "./context.js";
import { getClaim, liveClaims } from "./state/claims.js";
import { CLAIMS, claimPath, conflictPath, PLAN_PATH } from "./state/documents.js";
import { readPlan } from "./state/plan.js";

/**
 * Sync's replay: each local operation the remote lacks becomes a commit on top of the
 * remote's tip, in a store whose ref lives in memory, if its rules still hold there and its
 * documents merge; otherwise a conflict record says why. Nothing here talks to a remote.
 */

export interface Replayed {
  head: string;
  replayed: number;
  conflicts: ConflictDoc[];
  /** Local operations left for another chunk. */
  remaining: number;
}

/** Replays the local side of `fork` (its `onlyA`), oldest first, onto `remoteTip` (its `onlyB` side). */
export async function replayOnto(ctx: AppContext, at: { remote: string; local: string; remoteTip: string }, fork: Fork, limit = Number.POSITIVE_INFINITY): Promise<Replayed> {
  const { remoteTip } = at;
  const alreadyThere = new Set(fork.onlyB.flatMap((e) => e.trailers["Planref-Replayed-From"] ?? []));
  const entries = [...fork.onlyA].reverse();

  const target = ctx.store.detached(remoteTip);
  let replayed = 0;
  const conflicts: ConflictDoc[] = [];
  const todo = entries.filter((e) => !alreadyThere.has(e.commit));
  for (const entry of todo.slice(0, limit)) {
    const parent = entry.parents[0] ?? null;
    const paths = await ctx.store.changedPaths(parent, entry.commit);
    const before = await ctx.store.snapshot(parent);
    const after = await ctx.store.snapshot(entry.commit);
    const docs = paths.map((path) => ({ path, base: before.get(path), local: after.get(path) }));
    const op = opOf(entry);
    let conflict: ConflictDoc | null = null;
    try {
      const res = await target.transact((snap) => {
        const plan = readPlan(snap);
        const clock = { now: entry.author.time.getTime(), skewSeconds: parseDuration(plan.settings.claims.skewMargin, "skewMargin") };
        const decision = decideReplay({
          op,
          docs: docs.map((d) => ({ ...d, remote: snap.get(d.path) })),
          claimPath,
          isLease: (p) => p.startsWith(`${CLAIMS}/`),
          remoteClaim: (t) => getClaim(snap, t),
          remoteLiveClaims: () => liveClaims(snap, clock),
          clock,
        });
        if (!decision.ok) return conflictPlan(ctx, at, entry, op, decision);
        if (decision.changes.length === 0) return { noop: true as const, result: null };
        return { changes: decision.changes, commit: replayedCommit(entry), result: null };
      });
      if (res.result) conflict = res.result;
      else if (res.commit) replayed++;
    } catch (e) {
      // The merge produced a document the schema refuses (or the plan itself clashed): the
      // operation does not stand, and says why, rather than failing the whole sync.
      if (!(e instanceof ValidationError)) throw e;
      const res = await target.transact(() => conflictPlan(ctx, at, entry, op, { ok: false, code: "INVALID_RESULT", message: e.message, paths: e.issues.map((i) => i.path ?? PLAN_PATH) }));
      conflict = res.result;
    }
    if (conflict) conflicts.push(conflict);
  }
  return { head: (await target.tip()) as string, replayed, conflicts, remaining: Math.max(0, todo.length - limit) };
}

function opOf(entry: HistoryEntry): { op: string; task?: string; epoch?: number; actor: string } {
  const t = (k: string) => entry.trailers[k]?.[0];
  const epoch = t("Planref-Epoch");
  return {
    op: t("Planref-Op") ?? "unknown",
    ...(t("Planref-Task") ? { task: t("Planref-Task") as string } : {}),
    ...(epoch !== undefined && /^\d+$/.test(epoch) ? { epoch: Number(epoch) } : {}),
    actor: t("Planref-Actor") ?? entry.author.name,
  };
}

/** The operation's own message, author and time, plus where it was replayed from. */
function replayedCommit(entry: HistoryEntry) {
  const trailers: Array<[string, string]> = [];
  for (const [k, vs] of Object.entries(entry.trailers)) for (const v of vs) trailers.push([k, v]);
  trailers.push(["Planref-Replayed-From", entry.commit]);
  return {
    subject: entry.subject,
    ...(entry.body ? { body: entry.body } : {}),
    trailers,
    author: { name: entry.author.name, email: entry.author.email },
    time: entry.author.time,
  };
}

/**
 * The commits an operation has been: where it was first made, then each replay of it. An
 * operation replayed locally while a sync adopted what it pushed, and later refused by
 * another sync, must still lead back to the commit its actor was told about.
 */
function provenance(entry: HistoryEntry): string[] {
  return [...(entry.trailers["Planref-Replayed-From"] ?? []), entry.commit];
}

function conflictPlan(ctx: AppContext, at: { remote: string; remoteTip: string }, entry: HistoryEntry, op: ReturnType<typeof opOf>, decision: Extract<ReplayDecision, { ok: false }>) {
  const now = ctx.now();
  const chain = provenance(entry);
  const doc: ConflictDoc = {
    id: `${now.toISOString().replace(/[-:.]/g, "")}-${ctx.newId()}`,
    op: op.op,
    ...(op.task ? { task: op.task } : {}),
    ...(op.epoch !== undefined ? { epoch: op.epoch } : {}),
    actor: op.actor,
    commit: chain[0] as string,
    subject: entry.subject,
    code: decision.code,
    message: decision.message,
    paths: decision.paths,
    at: entry.author.time.toISOString(),
    detectedAt: now.toISOString(),
    detectedBy: ctx.actor.name,
    remote: at.remote,
    remoteTip: at.remoteTip,
    acknowledged: false,
  };
  const trailers: Array<[string, string]> = [["Planref-Op", "sync-conflict"], ["Planref-Actor", ctx.actor.name]];
  if (op.task) trailers.push(["Planref-Task", op.task]);
  trailers.push(["Planref-Conflict-Code", decision.code], ...chain.map((c): [string, string] => ["Planref-Replayed-From", c]));
  return {
    changes: [{ path: conflictPath(doc.id), value: doc }],
    commit: { subject: `sync conflict: ${entry.subject} (${decision.code})`.slice(0, 200), body: decision.message, trailers, author: { name: ctx.actor.name, email: ctx.actor.email }, time: now },
    result: doc,
  };
}
