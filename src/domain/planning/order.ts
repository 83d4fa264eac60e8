/**
 * The one ordering shared by `next` and `waves`, so the task `next` offers is the task
 * `waves` would start first. Earlier = better:
 *   1. priority: critical > high > medium > low;
 *   2. transitive dependents ("unblocks"): more first, because finishing it frees the most
 *      work for everyone else;
 *   3. suitability for the caller's kind:
 *        "human":           lower agentSuitability first, then higher reviewRisk first
 *                            (keep people on what agents do badly);
 *        "agent" and any other kind: higher agentSuitability first, then lower
 *                            contextLoad first;
 *   4. id ascending (UTF-16 code units), so equal tasks never swap between runs.
 * Scores here are the effective ones: a human override is meant to steer the order.
 */
import { compareIds } from "./graph.js";
import { PRIORITY_RANK } from "./types.js";
import type { Priority, TaskScores } from "./types.js";

export interface Rankable {
  id: string;
  priority: Priority;
  unblocks: number;
  scores: TaskScores;
}

export function isHumanKind(kind: string | undefined): boolean {
  return kind === "human";
}

export function compareRank(a: Rankable, b: Rankable, kind?: string): number {
  const byPriority = PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority];
  if (byPriority !== 0) return byPriority;
  if (a.unblocks !== b.unblocks) return b.unblocks - a.unblocks;
  const sa = a.scores;
  const sb = b.scores;
  if (isHumanKind(kind)) {
    if (sa.agentSuitability.value !== sb.agentSuitability.value) {
      return sa.agentSuitability.value - sb.agentSuitability.value;
    }
    if (sa.reviewRisk.value !== sb.reviewRisk.value) return sb.reviewRisk.value - sa.reviewRisk.value;
  } else {
    if (sa.agentSuitability.value !== sb.agentSuitability.value) {
      return sb.agentSuitability.value - sa.agentSuitability.value;
    }
    if (sa.contextLoad.value !== sb.contextLoad.value) return sa.contextLoad.value - sb.contextLoad.value;
  }
  return compareIds(a.id, b.id);
}

/** The reasons a ranked task sits where it does, in the order they were applied. */
export function rankReasons(r: Rankable, kind?: string): string[] {
  const suited = isHumanKind(kind)
    ? `agent suitability ${r.scores.agentSuitability.value}, review risk ${r.scores.reviewRisk.value} (suits a human)`
    : `agent suitability ${r.scores.agentSuitability.value}, context load ${r.scores.contextLoad.value} (suits an agent)`;
  return [
    `priority ${r.priority}`,
    r.unblocks === 0 ? "unblocks no other task" : `unblocks ${r.unblocks} ${r.unblocks === 1 ? "task" : "tasks"}`,
    suited,
  ];
}
