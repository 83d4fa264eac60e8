import { PlanrefError, RemoteError, UsageError, ValidationError } from "../errors.js";
import type { ConflictDoc } from "../schema/types.js";
import type { DocStore, Fork } from "../store/types.js";
import type { AppContext, RemoteSync } from "./context.js";
import { readPlan } from "./state/plan.js";
import { replayOnto } from "./sync-replay.js";

export interface SyncInput {
  /** Remote name; default plan.yaml settings.sync.remote, else origin. */
  remote?: string;
}

export type SyncAction = "nothing" | "up-to-date" | "adopted" | "fast-forward" | "pushed" | "replayed";

export interface SyncResult {
  remote: string;
  action: SyncAction;
  /** Local tip after the sync (equal to the remote's unless nothing exists anywhere). */
  tip: string | null;
  /** The remote's tip as fetched before integrating. */
  fetched: string | null;
  /** Local operations replayed on top of the remote's state. */
  replayed: number;
  /** Local operations that no longer stood on the remote's state, recorded as conflicts. */
  conflicts: ConflictDoc[];
  /** Commits made here after the push (operations written while the sync ran, replayed or recorded as conflicts); the next sync takes them. */
  pending: number;
  attempts: number;
}

const MAX_ROUNDS = 6;
/**
 * Once a round has lost its push to a remote that moved meanwhile, a long backlog is replayed
 * and pushed in chunks: replayed in one go against an active remote it would lose every
 * round. Pushed chunks stay (their commits name their originals). The first round replays
 * everything: each round costs a fetch and a push.
 */
const REPLAY_CHUNK = 25;

/**
 * Two syncs that lose to each other start their next rounds in step and lose again: a random
 * pause, growing with each lost round, lets one of them through.
 */
function backOff(lost: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(800, 50 * 2 ** lost)));
}

/**
 * How many operations a round replays: all of them until a push is lost; then a chunk that
 * halves with every lost push (down to one operation, the smallest window between fetch and
 * push) and doubles again, up to REPLAY_CHUNK, with every chunk that got through.
 */
class ChunkSize {
  size = Number.POSITIVE_INFINITY;

  lost(): void {
    this.size = this.size === Number.POSITIVE_INFINITY ? REPLAY_CHUNK : Math.max(1, Math.floor(this.size / 2));
  }

  pushed(): void {
    this.size = Math.min(REPLAY_CHUNK, this.size * 2);
  }
}

/**
 * Fetch, integrate, push: fast-forward when behind; when both sides moved, replay the local
 * operations the remote lacks on top of its tip, re-checking their rules, and record the
 * ones that no longer stand as conflicts. The result is pushed with a lease on the value
 * just fetched and only then adopted locally, so a refused push leaves local state as it was.
 */
export async function syncState(ctx: AppContext, input: SyncInput = {}): Promise<SyncResult> {
  const remotes = requireRemotes(ctx);
  const remote = await chooseRemote(ctx, remotes, input.remote);
  return remotes.exclusive(async () => {
    // Chunks of a long backlog that reached the remote are progress: they reset the count of lost rounds.
    const carried = { replayed: 0, conflicts: [] as ConflictDoc[] };
    const chunks = new ChunkSize();
    for (let attempt = 1, lost = 0; lost < MAX_ROUNDS; attempt++, lost++) {
      const fetched = await remotes.fetch(remote);
      if (fetched) await checkIncoming(ctx.store, fetched, remote);
      const local = await ctx.store.tip();
      const done = (action: SyncAction, tip: string | null, extra: Partial<SyncResult> = {}): SyncResult => ({ remote, action, tip, fetched, replayed: 0, conflicts: [], pending: 0, attempts: attempt, ...extra });

      if (fetched === null && local === null) return done("nothing", null);
      if (fetched === local) return done("up-to-date", local);
      if (local === null) {
        if (await ctx.store.advance(null, fetched as string)) return done("adopted", fetched);
        continue;
      }
      const fork = fetched === null ? null : await forkOf(ctx, remotes, remote, local, fetched);
      if (fetched === null || fork?.base === fetched) {
        if (await pushed(remotes, remote, local, fetched)) return done("pushed", local);
        continue;
      }
      if (fork?.base === local) {
        if (await ctx.store.advance(local, fetched)) return done("fast-forward", fetched);
        continue;
      }
      const r = await replayOnto(ctx, { remote, local, remoteTip: fetched }, fork as Fork, chunks.size);
      if (!(await pushed(remotes, remote, r.head, fetched))) {
        chunks.lost();
        await backOff(lost);
        continue;
      }
      carried.replayed += r.replayed;
      carried.conflicts.push(...r.conflicts);
      if (r.remaining > 0) {
        chunks.pushed();
        lost = -1;
        continue;
      }
      const adopted = await adoptLocally(ctx, remotes, remote, local, r.head);
      return done("replayed", adopted.tip, { replayed: carried.replayed, conflicts: [...carried.conflicts, ...adopted.conflicts], pending: adopted.pending });
    }
    throw new RemoteError(`${remote} kept moving; gave up after ${MAX_ROUNDS} fetch-integrate-push rounds in a row lost their push`, {
      code: "SYNC_RETRIES",
      hint: "Many writers are syncing at once; run planref sync again.",
      data: { remote, rounds: MAX_ROUNDS },
    });
  });
}

const OPTIMISTIC_LOCAL_ROUNDS = 3;

/**
 * The remote has the replayed history; now the local ref must move to it. Agents keep
 * writing locally meanwhile (a heartbeat, a hook), so instead of starting the whole sync
 * over, each round replays just the operations written since onto what was pushed (a
 * handful of documents), the last one under the ref's lock. Those operations reach the
 * remote with the next sync.
 */
async function adoptLocally(ctx: AppContext, remotes: RemoteSync, remote: string, from: string, head: string): Promise<{ tip: string; pending: number; conflicts: ConflictDoc[] }> {
  let expected = from;
  let target = head;
  let pending = 0;
  const conflicts: ConflictDoc[] = [];
  for (let round = 0; round < OPTIMISTIC_LOCAL_ROUNDS; round++) {
    if (await ctx.store.advance(expected, target)) return { tip: target, pending, conflicts };
    const now = (await ctx.store.tip()) as string;
    const r = await replayOnto(ctx, { remote, local: now, remoteTip: target }, await forkOf(ctx, remotes, remote, now, target));
    // Conflict records made here are local commits too: not on the remote until the next sync.
    pending += r.replayed + r.conflicts.length;
    conflicts.push(...r.conflicts);
    expected = now;
    target = r.head;
  }
  // Writers faster than a replay round would win forever: the last round holds the ref's
  // lock, so they wait the few milliseconds it takes to replay their latest operations.
  return ctx.store.whileHeld(async (now) => {
    if (now === expected) return { next: target, result: { tip: target, pending, conflicts } };
    const r = await replayOnto(ctx, { remote, local: now as string, remoteTip: target }, await forkOf(ctx, remotes, remote, now as string, target));
    return { next: r.head, result: { tip: r.head, pending: pending + r.replayed + r.conflicts.length, conflicts: [...conflicts, ...r.conflicts] } };
  });
}

function requireRemotes(ctx: AppContext): RemoteSync {
  if (!ctx.remotes) throw new UsageError("this front end cannot reach git remotes");
  return ctx.remotes;
}

async function chooseRemote(ctx: AppContext, remotes: RemoteSync, named: string | undefined): Promise<string> {
  const names = await remotes.names();
  let remote = named;
  if (!remote) {
    const snap = ctx.store ? await ctx.store.snapshot().catch(() => null) : null;
    const configured = snap?.commit ? readPlan(snap).settings.sync.remote : undefined;
    remote = configured && names.includes(configured) ? configured : names.length === 1 ? names[0] : configured ?? "origin";
  }
  if (!names.includes(remote as string)) {
    throw new UsageError(names.length ? `no git remote named "${remote}" (remotes: ${names.join(", ")})` : `this repository has no git remotes, so there is nothing to sync with`, {
      hint: names.length ? `planref sync <remote>, or set it: planref config set sync.remote <remote>` : "Add one: git remote add origin <url>",
      data: { remote, remotes: names },
    });
  }
  return remote as string;
}

/** Incoming state is checked document by document before anything local builds on it. */
async function checkIncoming(store: DocStore, tip: string, remote: string): Promise<void> {
  try {
    const snap = await store.snapshot(tip);
    readPlan(snap);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const first = e.issues[0];
    throw new RemoteError(`${remote} has invalid planref state: ${first?.path ?? "state"} at ${(first?.commit ?? tip).slice(0, 12)}: ${first?.message ?? e.message}`, {
      code: "REMOTE_INVALID",
      hint: `Nothing was adopted; local state is unchanged. Whoever pushed ${tip.slice(0, 12)} to ${remote} must fix the document in a new commit (planref doctor lists every problem).`,
      data: { remote, commit: tip, issues: e.issues },
    });
  }
}

/** Pushes with a lease; a rejection while the remote did not move is a refusal, not a race. */
async function pushed(remotes: RemoteSync, remote: string, commit: string, expected: string | null): Promise<boolean> {
  const r = await remotes.push(remote, commit, expected);
  if (r.ok) return true;
  const now = await remotes.fetch(remote);
  if (now !== expected) return false;
  throw new RemoteError(`${remote} refused the push of refs/plan/state: ${r.reason}`, {
    code: "REMOTE_REJECTED",
    hint: "The remote's hooks or permissions refuse it; local state is unchanged. Ask the remote's owner, or sync with another remote.",
    data: { remote, reason: r.reason, commit },
  });
}

function unrelated(remote: string, local: string, fetched: string): RemoteError {
  return new RemoteError(`local refs/plan/state and ${remote}'s have no common history; they are never merged`, {
    code: "SYNC_UNRELATED",
    hint: `One side was initialised separately. Keep one: to adopt ${remote}'s state, move yours aside (git update-ref refs/plan/state-local refs/plan/state && git update-ref -d refs/plan/state) and run planref sync.`,
    data: { remote, local, remoteTip: fetched },
  });
}

/** How far apart in commits two tips may be before git's own merge-base is asked whether they are related at all. */
const FORK_WALK = 5_000;

/** Where local and remote history part; histories with no common commit are never merged. */
async function forkOf(ctx: AppContext, remotes: RemoteSync, remote: string, local: string, remoteTip: string): Promise<Fork> {
  let fork = await ctx.store.fork(local, remoteTip, FORK_WALK);
  if (fork.exhausted) {
    if (!(await remotes.mergeBase(local, remoteTip))) throw unrelated(remote, local, remoteTip);
    fork = await ctx.store.fork(local, remoteTip);
  }
  if (fork.base === null) throw unrelated(remote, local, remoteTip);
  return fork;
}

/** For callers that sync as part of another operation (team-mode claims). */
export function isSyncError(e: unknown): e is PlanrefError {
  return e instanceof PlanrefError && ["REMOTE_FAILED", "REMOTE_REJECTED", "REMOTE_INVALID", "SYNC_UNRELATED", "SYNC_RETRIES"].includes(e.code);
}

/**
 * Which remotes already have planref state, for a command that found none locally: a fresh
 * clone does not carry refs/plan/*, and "no state" would mislead there.
 */
export async function remotesWithState(ctx: AppContext): Promise<string[]> {
  if (!ctx.remotes) return [];
  const names = (await ctx.remotes.names()).slice(0, 3);
  const found: string[] = [];
  for (const name of names) {
    if (ctx.remotes.tracking(name) || (await ctx.remotes.remoteHasState(name).catch(() => false))) found.push(name);
  }
  return found;
}
