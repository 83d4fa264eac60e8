/** Planning algorithms: pure functions over plain task data (see each module's header). */
export type {
  LiveClaim,
  OverlapFn,
  PlanTask,
  Priority,
  ScoreDimension,
  ScoreOverride,
  ScoreValue,
  TaskScores,
  TaskStatus,
} from "./types.js";
export { PRIORITY_RANK, SCORE_DIMENSIONS } from "./types.js";
export type { PlanIssue, PlanIssueCode } from "./dag.js";
export { dependents, topologicalOrder, transitiveDependentsCount, validateDag } from "./dag.js";
export type { RiskCategory, ScoreFeatures } from "./scores.js";
export { computeAllScores, computeScores, riskCategories, scoreFeatures, scoresFromFeatures, scoreTaskWith } from "./scores.js";
export type { Rankable } from "./order.js";
export { compareRank } from "./order.js";
export type { BlockCode, Candidate, Claimability, NextInput, NextPick, NotClaimable } from "./next.js";
export { assessClaimability, explainNothing, pickNext, rankClaimable } from "./next.js";
export type { Unschedulable, WavePlan, WavesInput } from "./waves.js";
export { planWaves } from "./waves.js";
export type { ExpansionAdvice } from "./expand.js";
export { expansionAdvice } from "./expand.js";
