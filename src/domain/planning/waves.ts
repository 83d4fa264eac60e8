/**
 * A parallel schedule: wave k holds tasks that can run side by side once waves 0..k-1
 * are finished. What each status means for the schedule:
 *   done                         a satisfied dependency; never scheduled.
 *   cancelled                    never scheduled; whatever depends on it is unschedulable.
 *   in flight: any open task holding a live claim, and submitted / accepted tasks (their
 *                                work exists and only awaits review or apply). They are
 *                                placed before all other work, so they land in wave 0
 *                                unless the plan contradicts itself (a dependency not
 *                                done, a forced scope overlap, more running tasks than
 *                                agents); each such displacement is explained in notes.
 *   ready                        scheduled normally.
 *   draft                        scheduled normally (it can run once reviewed) and also
 *                                listed in needsReview.
 *   claimed / in_progress / blocked without a live claim: the lease is gone, so the task
 *                                is back to waiting for someone and is scheduled normally.
 * The scope compared for overlap is the task's scope plus, for a task with a live claim,
 * the claim's scope (a claim may declare more than the task did).
 *
 * The greedy: for each wave, take the tasks whose open dependencies all sit in earlier
 * waves, in-flight ones first and then by compareRank for an agent (the `next` order),
 * and add each unless it overlaps a task already in the wave or the wave is full.
 * The first candidate always fits, so every wave is non-empty and the loop ends.
 */
import { ScopePrefixIndex } from "../globs/index.js";
import { UsageError } from "../../errors.js";
import { transitiveDependentsCount } from "./dag.js";
import { buildGraph, compareIds, representativeCycle, stronglyConnected } from "./graph.js";
import { compareRank } from "./order.js";
import type { Rankable } from "./order.js";
import { scoreTaskWith } from "./scores.js";
import type { LiveClaim, OverlapFn, PlanTask } from "./types.js";

export interface WavesInput {
  tasks: readonly PlanTask[];
  liveClaims: readonly LiveClaim[];
  /** At most this many tasks per wave (the number of agents available). */
  agents?: number;
  overlaps: OverlapFn;
}

export interface Unschedulable {
  taskId: string;
  reason: string;
}

export interface WavePlan {
  /** Task ids per wave, each wave in the order its tasks were chosen. */
  waves: string[][];
  /** Tasks already running (live claim, submitted or accepted), by id. */
  inFlight: string[];
  /** Draft tasks in the schedule that need a readiness review before anyone can claim them. */
  needsReview: string[];
  /** Open tasks that can never run, by id, each with the reason. */
  unschedulable: Unschedulable[];
  /** Contradictions worth a human's attention (ignored claims, displaced running tasks). */
  notes: string[];
}

export function planWaves(input: WavesInput): WavePlan {
  const { tasks, liveClaims, agents, overlaps } = input;
  if (agents !== undefined && (!Number.isInteger(agents) || agents < 1)) {
    throw new UsageError(`agents must be a whole number of at least 1, not ${agents}`, {
      hint: "Pass --agents N with N >= 1, or leave it out for no limit.",
    });
  }
  const graph = buildGraph(tasks);
  const n = graph.ids.length;
  const task = (v: number): PlanTask => graph.tasks[v] as PlanTask;
  const open = (v: number): boolean => task(v).status !== "done" && task(v).status !== "cancelled";
  const notes: string[] = [];

  for (const id of graph.duplicateIds) {
    notes.push(`task id ${id} is used by more than one task; only its first occurrence is scheduled`);
  }
  const claimScopes = new Map<string, string[]>();
  const claimOrder = (a: LiveClaim, b: LiveClaim): number =>
    compareIds(a.taskId, b.taskId) || compareIds(a.holder, b.holder) || compareIds(a.scope.join("\n"), b.scope.join("\n"));
  for (const claim of [...liveClaims].sort(claimOrder)) {
    const v = graph.index.get(claim.taskId);
    if (v === undefined) {
      notes.push(`the live claim on ${claim.taskId} (held by ${claim.holder}) names no task in the plan and is ignored`);
      continue;
    }
    if (!open(v)) {
      notes.push(`the live claim on ${claim.taskId} (held by ${claim.holder}) is ignored: the task is ${task(v).status}`);
      continue;
    }
    claimScopes.set(claim.taskId, [...(claimScopes.get(claim.taskId) ?? []), ...claim.scope]);
  }
  const inFlight = (v: number): boolean =>
    claimScopes.has(task(v).id) || task(v).status === "submitted" || task(v).status === "accepted";

  const unschedulable = findUnschedulable(graph, open);

  const scheduled = (v: number): boolean => open(v) && !unschedulable.has(v);
  const unblocks = transitiveDependentsCount(tasks);
  const rank = new Map<number, Rankable>();
  const scope = new Map<number, string[]>();
  const waiting = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    if (!scheduled(v)) continue;
    const t = task(v);
    const count = unblocks.get(t.id) ?? 0;
    rank.set(v, { id: t.id, priority: t.priority, unblocks: count, scores: scoreTaskWith(t, count) });
    scope.set(v, [...t.scope, ...(claimScopes.get(t.id) ?? [])]);
    waiting[v] = (graph.deps[v] as readonly number[]).filter(scheduled).length;
  }
  const before = (a: number, b: number): number => {
    const fa = inFlight(a) ? 0 : 1;
    const fb = inFlight(b) ? 0 : 1;
    return fa !== fb ? fa - fb : compareRank(rank.get(a) as Rankable, rank.get(b) as Rankable, "agent");
  };
  // The precedence never changes between waves, so rank once and sort pools by position.
  const position = new Int32Array(n);
  [...rank.keys()].sort(before).forEach((v, i) => {
    position[v] = i;
  });

  // Tasks often share a scope, and the overlap test (glob against glob) is the expensive
  // part: compare each distinct scope pair at most once.
  const keyIndex = new Map<string, number>();
  const keyScope: string[][] = [];
  const keyOf = new Int32Array(n).fill(-1);
  for (const [v, globs] of scope) {
    const normal = [...new Set(globs)].sort(compareIds);
    const text = JSON.stringify(normal);
    let k = keyIndex.get(text);
    if (k === undefined) {
      k = keyScope.length;
      keyIndex.set(text, k);
      keyScope.push(normal);
    }
    keyOf[v] = k;
  }
  const keyCount = keyScope.length;
  const pairs = new Map<number, boolean>();
  const clash = (a: number, b: number): boolean => {
    const id = a < b ? a * keyCount + b : b * keyCount + a;
    let hit = pairs.get(id);
    if (hit === undefined) {
      hit = overlaps(keyScope[a] as string[], keyScope[b] as string[]);
      pairs.set(id, hit);
    }
    return hit;
  };

  let pool = [...rank.keys()].filter((v) => waiting[v] === 0);
  const waves: string[][] = [];
  while (pool.length > 0) {
    pool.sort((a, b) => (position[a] as number) - (position[b] as number));
    const wave: number[] = [];
    const deferred: number[] = [];
    // Per wave: distinct scopes admitted (with the first task holding each), scopes known
    // to clash, and how far each candidate scope has been checked against the admitted.
    const holderOf = new Map<number, number>();
    const blockedBy = new Map<number, number>();
    // Only scopes sharing a literal directory prefix can overlap: look at those, not all admitted.
    const index = new ScopePrefixIndex<number>();
    for (const v of pool) {
      const full = agents !== undefined && wave.length >= agents;
      const k = keyOf[v] as number;
      let against: number | undefined;
      if (!full) {
        against = blockedBy.get(k);
        if (against === undefined) {
          for (const other of [...index.candidates(keyScope[k] as string[])].sort((a, b) => a - b)) {
            if (clash(k, other)) {
              against = holderOf.get(other) as number;
              blockedBy.set(k, against);
              break;
            }
          }
        }
      }
      if (full || against !== undefined) {
        deferred.push(v);
        if (inFlight(v) && waves.length === 0) {
          notes.push(
            full
              ? `${task(v).id} is already running but more tasks are running than the ${agents} agents allowed; it is shown in a later wave`
              : `${task(v).id} is already running with a scope overlapping ${task(against as number).id}; it is shown in a later wave to keep each wave overlap-free`,
          );
        }
        continue;
      }
      wave.push(v);
      if (!holderOf.has(k)) {
        holderOf.set(k, v);
        index.add(k, keyScope[k] as string[]);
      }
    }
    waves.push(wave.map((v) => task(v).id));
    const released: number[] = [];
    for (const v of wave) {
      for (const d of graph.dependents[v] as readonly number[]) {
        if (!scheduled(d)) continue;
        waiting[d] = (waiting[d] as number) - 1;
        if (waiting[d] === 0) released.push(d);
      }
    }
    pool = [...deferred, ...released];
  }

  for (let v = 0; v < n; v++) {
    if (!scheduled(v) || !inFlight(v)) continue;
    const undone = (graph.deps[v] as readonly number[]).filter(scheduled).map((d) => task(d).id);
    if (undone.length > 0) {
      notes.push(`${task(v).id} is already running although its dependencies ${undone.join(", ")} are not done; it is shown after them`);
    }
  }

  const ids = (pred: (v: number) => boolean): string[] =>
    graph.ids.filter((_, v) => pred(v));
  return {
    waves,
    inFlight: ids((v) => scheduled(v) && inFlight(v)),
    needsReview: ids((v) => scheduled(v) && task(v).status === "draft"),
    unschedulable: [...unschedulable.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([v, reason]) => ({ taskId: task(v).id, reason })),
    notes,
  };
}

/**
 * Open tasks that can never run, with the reason: a direct cause (self-dependency,
 * unknown or cancelled dependency, a cycle among open tasks; done tasks are satisfied
 * dependencies and cannot hold a cycle shut) or an open dependency that is itself
 * unschedulable.
 */
function findUnschedulable(graph: ReturnType<typeof buildGraph>, open: (v: number) => boolean): Map<number, string> {
  const n = graph.ids.length;
  const reasons = new Map<number, string>();
  const task = (v: number): PlanTask => graph.tasks[v] as PlanTask;

  const openDeps = (v: number): readonly number[] => (open(v) ? (graph.deps[v] as readonly number[]).filter(open) : []);
  const adjacency = Array.from({ length: n }, (_, v) => openDeps(v));
  const { components } = stronglyConnected(n, (v) => adjacency[v] as readonly number[]);
  const cycleOf = new Map<number, string>();
  const restricted = { ...graph, deps: adjacency };
  for (const component of components) {
    if (component.length < 2) continue;
    const name = representativeCycle(restricted, component).map((v) => graph.ids[v] as string).join(" -> ");
    for (const v of component) cycleOf.set(v, name);
  }

  for (let v = 0; v < n; v++) {
    if (!open(v)) continue;
    const causes: string[] = [];
    if (graph.selfDependent[v] === true) causes.push("depends on itself");
    for (const dep of graph.unknownDeps[v] as readonly string[]) causes.push(`depends on unknown task ${dep}`);
    for (const d of graph.deps[v] as readonly number[]) {
      if (task(d).status === "cancelled") causes.push(`depends on cancelled task ${task(d).id}`);
    }
    const cycle = cycleOf.get(v);
    if (cycle !== undefined) causes.push(`is in the dependency cycle ${cycle}`);
    if (causes.length > 0) reasons.set(v, causes.join("; "));
  }

  // Breadth-first from the direct causes in id order, so each inherited reason names the
  // nearest blocked dependency with the smallest id.
  const queue = [...reasons.keys()].sort((a, b) => a - b);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (const d of graph.dependents[v] as readonly number[]) {
      if (!open(d) || reasons.has(d)) continue;
      reasons.set(d, `waits on ${task(v).id}, which can never be scheduled`);
      queue.push(d);
    }
  }
  return reasons;
}
