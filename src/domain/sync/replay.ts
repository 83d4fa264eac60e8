import { LeaseLostError } from "../../errors.js";
import type { ClaimDoc, ConflictCode } from "../../schema/types.js";
import { checkFence } from "../claims/claim.js";
import { isLive, type LeaseClock } from "../claims/lease.js";
import { findOverlaps } from "../globs/index.js";
import { mergeDocument } from "./merge.js";

/** One document an operation changed: before it, after it, and at the remote tip now. */
export interface ReplayDoc {
  path: string;
  base: unknown;
  local: unknown;
  remote: unknown;
}

export interface ReplayOp {
  op: string;
  task?: string;
  epoch?: number;
  actor: string;
}

export interface ReplayInput {
  op: ReplayOp;
  docs: readonly ReplayDoc[];
  /** The claim path of a task, so the guards can find leases without knowing the layout. */
  claimPath: (task: string) => string;
  /** Lease documents merge only as a whole. */
  isLease: (path: string) => boolean;
  /** The remote's claim on a task. */
  remoteClaim: (task: string) => ClaimDoc | undefined;
  /** The remote's live claims, for the scope-overlap check of a replayed claim. */
  remoteLiveClaims: () => readonly ClaimDoc[];
  /** The clock at the time the operation was performed: leases are judged as they were then. */
  clock: LeaseClock;
}

export type ReplayDecision =
  | { ok: true; changes: Array<{ path: string; value: unknown }> }
  | { ok: false; code: ConflictCode; message: string; paths: string[] };

/** Operations that act under a claim and must still hold exactly that lease (actor and epoch). */
const FENCED = new Set(["heartbeat", "evidence", "submit", "release"]);
const CLAIM_OPS = new Set(["claim"]);

/**
 * Decides whether a local operation still stands on top of the remote's state: the same
 * domain rules the operation passed when it ran (exclusive claims, fencing, scope overlap),
 * re-checked against what the remote did meanwhile, then a three-way merge of every
 * document it changed. A failed check makes the whole operation a conflict: nothing of it
 * is applied and nothing is half-merged.
 */
export function decideReplay(input: ReplayInput): ReplayDecision {
  const { op } = input;
  if (op.task && CLAIM_OPS.has(op.op)) {
    const conflict = claimStillFree(input, op.task);
    if (conflict) return conflict;
  }
  if (op.task && FENCED.has(op.op) && op.epoch !== undefined) {
    const cp = input.claimPath(op.task);
    const before = input.docs.find((d) => d.path === cp)?.base as ClaimDoc | undefined;
    const remote = input.remoteClaim(op.task);
    // The lease this operation ran under is the one it saw; only a remote change to it can break the fence.
    if (!before || JSON.stringify(before) !== JSON.stringify(remote)) {
      try {
        checkFence(op.task, remote, { actor: op.actor, epoch: op.epoch }, input.clock);
      } catch (e) {
        if (e instanceof LeaseLostError) return { ok: false, code: "LEASE_LOST", message: e.message, paths: [cp] };
        throw e;
      }
    }
  }
  const changes: Array<{ path: string; value: unknown }> = [];
  const clashes: string[] = [];
  const detail: string[] = [];
  for (const d of input.docs) {
    const moved = statusMove(d);
    if (moved) {
      clashes.push(d.path);
      detail.push(moved);
      continue;
    }
    const m = mergeDocument(d.base, d.local, d.remote, { atomic: input.isLease(d.path) });
    if (!m.ok) {
      clashes.push(d.path);
      detail.push(m.keys.length ? `${d.path} (${m.keys.join(", ")})` : d.path);
      continue;
    }
    if (JSON.stringify(m.value) !== JSON.stringify(d.remote)) changes.push({ path: d.path, value: m.value ?? null });
  }
  if (clashes.length > 0) {
    return { ok: false, code: "CONCURRENT_EDIT", message: `changed on both sides: ${detail.join("; ")}`, paths: clashes };
  }
  return { ok: true, changes };
}

/**
 * A status is a state machine: an operation moved it from the state it saw. If the document
 * changed remotely meanwhile, even back to the same status by another path (rejected,
 * approved, submitted again), that transition no longer applies to it.
 */
function statusMove(d: ReplayDoc): string | null {
  const status = (v: unknown) => (typeof v === "object" && v !== null ? (v as { status?: unknown }).status : undefined);
  const from = status(d.base);
  const to = status(d.local);
  if (from === undefined || to === undefined || from === to) return null;
  if (JSON.stringify(d.remote) === JSON.stringify(d.base) || JSON.stringify(d.remote) === JSON.stringify(d.local)) return null;
  return `${d.path}: moved ${String(from)} -> ${String(to)} here, but it changed remotely meanwhile (now ${String(status(d.remote) ?? "removed")})`;
}

function claimStillFree(input: ReplayInput, task: string): ReplayDecision | null {
  const cp = input.claimPath(task);
  const doc = input.docs.find((d) => d.path === cp);
  if (!doc) return null;
  const remote = input.remoteClaim(task);
  const mine = doc.local as ClaimDoc | undefined;
  if (JSON.stringify(doc.base) !== JSON.stringify(remote) && JSON.stringify(mine) !== JSON.stringify(remote)) {
    const holder = remote && isLive(remote, input.clock) ? remote.holder.actor : null;
    return {
      ok: false,
      code: "CLAIMED_REMOTELY",
      message: holder ? `${task} was claimed remotely by ${holder} (epoch ${remote?.epoch})` : `the claim on ${task} changed remotely (${remote ? `now ${remote.state}, epoch ${remote.epoch}` : "removed"})`,
      paths: [cp],
    };
  }
  if (!mine || mine.state !== "live") return null;
  const forced = new Set(mine.forcedOverlap?.with ?? []);
  const overlaps = input
    .remoteLiveClaims()
    .filter((c) => c.task !== task && !forced.has(c.task))
    .flatMap((c) => findOverlaps(mine.scope, c.scope).map(([a, b]) => `${c.task} by ${c.holder.actor} (${a} vs ${b})`));
  if (overlaps.length > 0) {
    return { ok: false, code: "SCOPE_OVERLAP", message: `the scope of ${task} overlaps a claim made remotely: ${overlaps[0]}`, paths: [cp] };
  }
  return null;
}
