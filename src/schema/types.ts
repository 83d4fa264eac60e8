/** TypeScript shapes of the documents; schemas/*.schema.json is the authority they mirror. */

export type Duration = `${number}${"s" | "m" | "h" | "d"}`;

export interface PlanDoc {
  formatVersion: number;
  project: { name: string };
  createdAt: string;
  createdBy: string;
  settings: PlanSettings;
}

export interface PlanSettings {
  claims: { lease: Duration; heartbeatInterval: Duration; skewMargin: Duration };
  gate: { distinctReviewer: boolean; requireFreshVerification: boolean };
  scopeGuard: { outsideScope: "allow" | "warn" | "deny"; noClaim: "allow" | "warn" | "deny" };
  sync: { mode: "solo" | "team"; remote: string };
  packet: { maxBytes: number };
}

export const TASK_STATUSES = ["draft", "ready", "claimed", "in_progress", "blocked", "submitted", "accepted", "done", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type Priority = "low" | "medium" | "high" | "critical";
export type ScoreDimension = "complexity" | "parallelizability" | "contextLoad" | "blastRadius" | "reviewRisk" | "agentSuitability";

export interface TaskDoc {
  id: string;
  spec: string | null;
  localId: string;
  title: string;
  intent: string;
  status: TaskStatus;
  priority: Priority;
  feature: string | null;
  parent: string | null;
  acceptanceCriteria: string[];
  verification: string[];
  scope: string[];
  nonGoals: string[];
  dependencies: string[];
  requiredEvidence: string[];
  manualSteps: string[];
  contentHash: string;
  readiness?: { by: string; at: string; contentHash: string };
  scoreOverrides?: Partial<Record<ScoreDimension, { value: number; reason: string; actor: string; at: string }>>;
  cancelled?: { reason: string; by: string; at: string };
  source?: { file: string; line: number };
  completion?: { by: string; at: string; submission: string; review: string; head: string | null; waivers: Array<{ finding: string; reason: string; by: string }> };
  createdAt: string;
  updatedAt: string;
}

export type SpecStatus = "draft" | "reviewed" | "approved" | "rejected" | "superseded";
export type SpecVerdict = "approve" | "mark-reviewed" | "reject" | "request-changes" | "supersede";

export interface SpecReview {
  by: string;
  at: string;
  verdict: SpecVerdict;
  note?: string;
  contentHash: string;
}

export interface SpecDoc {
  id: string;
  title: string;
  status: SpecStatus;
  sourceFile: string;
  contentHash: string;
  approval?: { by: string; at: string; contentHash: string };
  supersededBy?: string;
  summary: string;
  goals: string[];
  nonGoals: string[];
  requirements: Array<{ id: string; text: string }>;
  acceptanceCriteria: string[];
  risks: string[];
  openQuestions: Array<{ text: string; line: number }>;
  decisions: Array<{ question: string | null; section: string; line: number }>;
  features: Array<{ id: string; title: string; requirements: string[]; description: string }>;
  notes: Array<{ heading: string; text: string; line: number }>;
  reviews: SpecReview[];
  importedAt: string;
  importedBy: string;
  updatedAt: string;
}

export interface Holder {
  actor: string;
  kind: string;
  model?: string;
  host: string;
  worktree?: string;
  branch?: string;
  session?: string;
}

export interface ClaimEnding {
  how: "released" | "force-released" | "expired" | "submitted";
  at: string;
  by: string;
  reason?: string;
}

export interface ClaimAttempt {
  epoch: number;
  holder: Holder;
  acquiredAt: string;
  lastRenewedAt: string;
  branch: string | null;
  worktree: string | null;
  baseCommit: string | null;
  ending: ClaimEnding;
}

export interface ClaimDoc {
  task: string;
  epoch: number;
  state: "live" | "released" | "force-released" | "submitted";
  holder: Holder;
  acquiredAt: string;
  renewedAt: string;
  leaseSeconds: number;
  expiresAt: string;
  scope: string[];
  baseCommit: string | null;
  branch: string | null;
  worktree: string | null;
  forcedOverlap?: { reason: string; with: string[] };
  ended?: ClaimEnding;
  attempts: ClaimAttempt[];
}

export interface EvidenceDoc {
  id: string;
  task: string;
  epoch: number | null;
  kind: "command" | "edit";
  capturedBy: "planref" | "hook" | "agent";
  source?: { agent?: string; event?: string; tool?: string; session?: string };
  actor: string;
  command?: string;
  verification?: boolean;
  label?: string;
  exitCode?: number | null;
  durationMs?: number;
  outputTail?: string;
  outputSha256?: string;
  outputBytes?: number;
  redactions?: number;
  files?: string[];
  cwd: string;
  head: string | null;
  worktreeState?: string;
  filesChanged: string[];
  startedAt: string;
  finishedAt: string;
}

export type FindingRule =
  | "unseen-command"
  | "verification-not-run"
  | "verification-failing"
  | "verification-stale"
  | "verification-self-reported"
  | "out-of-scope"
  | "declared-unchanged"
  | "review-missing"
  | "review-not-approved"
  | "review-by-claimant"
  | "evidence-missing"
  | "review-stale";

export interface Finding {
  /** Stable within a task, e.g. "out-of-scope:src/db.ts"; waivers name it. */
  id: string;
  rule: FindingRule;
  message: string;
}

export interface SubmissionDoc {
  id: string;
  task: string;
  epoch: number;
  by: string;
  at: string;
  summary: string;
  reported: { commands: string[]; files: string[] };
  head: string | null;
  worktreeState?: string;
  baseCommit: string | null;
  branch: string | null;
  changedFiles: string[];
  findings: Finding[];
}

export interface ReviewDoc {
  id: string;
  task: string;
  submission: string;
  by: string;
  at: string;
  verdict: "approve" | "reject" | "request-changes";
  note?: string;
}

export type ConflictCode = "CLAIMED_REMOTELY" | "LEASE_LOST" | "CONCURRENT_EDIT" | "SCOPE_OVERLAP" | "INVALID_RESULT";

export interface ConflictDoc {
  id: string;
  op: string;
  task?: string;
  epoch?: number;
  actor: string;
  commit: string;
  subject: string;
  code: ConflictCode;
  message: string;
  paths: string[];
  at: string;
  detectedAt?: string;
  detectedBy: string;
  remote: string;
  remoteTip: string;
  acknowledged: false | { by: string; at: string; note?: string };
}
