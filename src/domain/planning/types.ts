/**
 * Input and output shapes of the planning algorithms. They are deliberately independent of
 * the stored document schema: the application layer maps stored tasks and claims onto
 * these, so the algorithms can be tested (and reused by orchestrators) without a store.
 */

export type Priority = "low" | "medium" | "high" | "critical";

export type TaskStatus =
  | "draft"
  | "ready"
  | "claimed"
  | "in_progress"
  | "blocked"
  | "submitted"
  | "accepted"
  | "done"
  | "cancelled";

export type ScoreDimension =
  | "complexity"
  | "parallelizability"
  | "contextLoad"
  | "blastRadius"
  | "reviewRisk"
  | "agentSuitability";

/** Fixed order so every listing of scores (reasons, JSON, the board) reads the same way. */
export const SCORE_DIMENSIONS: readonly ScoreDimension[] = [
  "complexity",
  "parallelizability",
  "contextLoad",
  "blastRadius",
  "reviewRisk",
  "agentSuitability",
];

export interface ScoreOverride {
  value: number;
  reason: string;
  actor: string;
}

export interface PlanTask {
  id: string;
  title: string;
  intent: string;
  acceptanceCriteria: string[];
  verification: string[];
  scope: string[];
  dependencies: string[];
  priority: Priority;
  status: TaskStatus;
  parent: string | null;
  nonGoals: string[];
  requiredEvidence: string[];
  manualSteps: string[];
  scoreOverrides?: Partial<Record<ScoreDimension, ScoreOverride>>;
}

export interface ScoreValue {
  /** Integer 1..5; higher always means "more" of the dimension. */
  value: number;
  /** One line explaining the value (the override's reason when overridden). */
  reason: string;
  source: "computed" | "override";
  /** Who set the override. */
  actor?: string;
  /** The computed explanation the override replaced, kept so reviewers can compare. */
  overriddenReason?: string;
  /** The computed value the override replaced. */
  computedValue?: number;
}

export type TaskScores = Record<ScoreDimension, ScoreValue>;

/** A live (not stale, not released) claim as the application layer sees it. */
export interface LiveClaim {
  taskId: string;
  scope: string[];
  holder: string;
}

/**
 * Glob-vs-glob overlap test, injected because its implementation lives outside the
 * planning module. Must be symmetric; planning never calls it with anything but scopes.
 */
export type OverlapFn = (a: readonly string[], b: readonly string[]) => boolean;

/** Higher rank = more urgent; used by every ordering so they agree with each other. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
};
