/**
 * What to work on next. A task is claimable when all of these hold:
 *   - its status is "ready" (a claimed task whose lease expired must reach us as "ready":
 *     releasing stale claims is the application layer's job, not a ranking rule);
 *   - every dependency exists and is "done";
 *   - no live claim is on it;
 *   - its scope overlaps no live claim's scope, the actor's own claims included, because
 *     the claim itself would be refused for that overlap.
 * Claimable tasks are ordered by compareRank (order.ts): priority, then what it unblocks,
 * then suitability for the caller's kind, then id.
 */
import { transitiveDependentsCount } from "./dag.js";
import { compareIds } from "./graph.js";
import { compareRank, rankReasons } from "./order.js";
import type { Rankable } from "./order.js";
import { scoreTaskWith } from "./scores.js";
import type { LiveClaim, OverlapFn, PlanTask, TaskStatus } from "./types.js";

export interface NextInput {
  tasks: readonly PlanTask[];
  liveClaims: readonly LiveClaim[];
  actor: string;
  /** "agent", "human", or any other actor kind (treated like "agent"). */
  kind?: string;
  overlaps: OverlapFn;
}

export interface Candidate extends Rankable {
  title: string;
  /** 1-based position in the ranking. */
  rank: number;
  reasons: string[];
}

export type BlockCode = "not-ready" | "dependencies" | "claimed" | "scope-overlap";

export interface NotClaimable {
  taskId: string;
  status: TaskStatus;
  /** Every reason that applies, the first one being the most fundamental. */
  codes: BlockCode[];
  reasons: string[];
}

export interface Claimability {
  ranked: Candidate[];
  /** Open (not done, not cancelled) tasks that cannot be claimed now, by id. */
  notClaimable: NotClaimable[];
}

export interface NextPick {
  candidate: Candidate | null;
  /** Why this task, or why nothing is claimable. */
  reason: string;
  claimableCount: number;
  notClaimable: NotClaimable[];
}

const STATUS_REASON: Partial<Record<TaskStatus, string>> = {
  draft: "is draft: it needs a readiness review",
  claimed: "is claimed",
  in_progress: "is in progress",
  blocked: "is blocked by its holder",
  submitted: "is submitted and awaits review",
  accepted: "is accepted and awaits apply",
};

function holderName(holder: string, actor: string): string {
  return holder === actor ? `${holder} (you)` : holder;
}

/** Splits the plan into ranked claimable tasks and open tasks with every reason they are not. */
export function assessClaimability(input: NextInput): Claimability {
  const { tasks, liveClaims, actor, kind, overlaps } = input;
  const byId = new Map<string, PlanTask>();
  for (const t of tasks) if (!byId.has(t.id)) byId.set(t.id, t);
  const claimsByTask = new Map<string, LiveClaim[]>();
  for (const c of liveClaims) {
    const list = claimsByTask.get(c.taskId) ?? [];
    list.push(c);
    claimsByTask.set(c.taskId, list);
  }
  const unblocks = transitiveDependentsCount(tasks);

  const ranked: Rankable[] = [];
  const notClaimable: NotClaimable[] = [];
  for (const task of [...byId.values()].sort((a, b) => compareIds(a.id, b.id))) {
    if (task.status === "done" || task.status === "cancelled") continue;
    const codes: BlockCode[] = [];
    const reasons: string[] = [];
    const block = (code: BlockCode, reason: string): void => {
      if (!codes.includes(code)) codes.push(code);
      reasons.push(reason);
    };
    if (task.status !== "ready") block("not-ready", `${task.id} ${STATUS_REASON[task.status] ?? `is ${task.status}`}`);
    for (const dep of new Set(task.dependencies)) {
      const d = byId.get(dep);
      if (dep === task.id) block("dependencies", `${task.id} depends on itself`);
      else if (d === undefined) block("dependencies", `${task.id} depends on unknown task ${dep}`);
      else if (d.status === "cancelled") block("dependencies", `${task.id} depends on cancelled task ${dep}`);
      else if (d.status !== "done") block("dependencies", `${task.id} waits on ${dep} (${d.status})`);
    }
    for (const c of claimsByTask.get(task.id) ?? []) {
      block("claimed", `${task.id} is claimed by ${holderName(c.holder, actor)}`);
    }
    if (task.status === "ready") {
      for (const c of liveClaims) {
        if (c.taskId === task.id) continue;
        if (overlaps(task.scope, c.scope)) {
          block("scope-overlap", `${task.id}'s scope overlaps the live claim on ${c.taskId} held by ${holderName(c.holder, actor)}`);
        }
      }
    }
    if (codes.length > 0) {
      notClaimable.push({ taskId: task.id, status: task.status, codes, reasons });
      continue;
    }
    const count = unblocks.get(task.id) ?? 0;
    ranked.push({ id: task.id, priority: task.priority, unblocks: count, scores: scoreTaskWith(task, count) });
  }

  ranked.sort((a, b) => compareRank(a, b, kind));
  return {
    ranked: ranked.map((r, i) => ({
      ...r,
      title: (byId.get(r.id) as PlanTask).title,
      rank: i + 1,
      reasons: rankReasons(r, kind),
    })),
    notClaimable,
  };
}

/** Claimable tasks, best first. */
export function rankClaimable(input: NextInput): Candidate[] {
  return assessClaimability(input).ranked;
}

/** The best claimable task, or null with a summary of what stands in the way. */
export function pickNext(input: NextInput): NextPick {
  const { ranked, notClaimable } = assessClaimability(input);
  const best = ranked[0];
  if (best !== undefined) {
    return {
      candidate: best,
      reason: `${best.id} is the best of ${ranked.length} claimable: ${best.reasons.join("; ")}`,
      claimableCount: ranked.length,
      notClaimable,
    };
  }
  return { candidate: null, reason: explainNothing(input, notClaimable), claimableCount: 0, notClaimable };
}

function examples(items: readonly NotClaimable[]): string {
  const shown = items.slice(0, 3).map((i) => i.reasons[0] as string);
  return shown.join("; ") + (items.length > shown.length ? `; and ${items.length - shown.length} more` : "");
}

export function explainNothing(input: NextInput, blocked: readonly NotClaimable[]): string {
  if (input.tasks.length === 0) return "nothing is claimable: the plan has no tasks";
  if (blocked.length === 0) return "nothing is claimable: every task is done or cancelled";
  // Each task is counted once, under the most fundamental thing blocking it.
  const group = (code: BlockCode): NotClaimable[] => blocked.filter((b) => b.codes[0] === code);
  const parts: string[] = [];
  const waiting = group("dependencies");
  if (waiting.length > 0) parts.push(`${waiting.length} ready waiting on dependencies (${examples(waiting)})`);
  const claimed = group("claimed");
  if (claimed.length > 0) parts.push(`${claimed.length} ready but claimed (${examples(claimed)})`);
  const overlap = group("scope-overlap");
  if (overlap.length > 0) parts.push(`${overlap.length} ready but overlapping a live claim (${examples(overlap)})`);
  const notReady = group("not-ready");
  const drafts = notReady.filter((b) => b.status === "draft");
  if (drafts.length > 0) parts.push(`${drafts.length} draft needing a readiness review (${drafts.slice(0, 3).map((d) => d.taskId).join(", ")}${drafts.length > 3 ? ", …" : ""})`);
  const busy = notReady.filter((b) => b.status !== "draft");
  if (busy.length > 0) parts.push(`${busy.length} already in someone's hands (${busy.slice(0, 3).map((d) => `${d.taskId} ${d.status}`).join(", ")}${busy.length > 3 ? ", …" : ""})`);
  const mine = input.liveClaims.filter((c) => c.holder === input.actor).map((c) => c.taskId);
  const suffix = mine.length > 0 ? `; you hold live claims on ${[...new Set(mine)].sort(compareIds).join(", ")}` : "";
  return `nothing is claimable: ${parts.join("; ")}${suffix}`;
}
