// Types for invariants.mjs, which the soak driver runs with plain node.
export interface HistoryCommit {
  commit: string;
  parents: string[];
  at: number;
  op: string;
  actor: string;
  task: string;
  epoch: number | null;
  replayedFrom: string | null;
  conflictCode: string | null;
  claimChanges: Array<{ path: string; oldBlob: string | null; newBlob: string | null }>;
}
export interface Ack {
  op: string;
  agent: string;
  t: number;
  task?: string;
  commit?: string | null;
  tip?: string | null;
  action?: string;
  pending?: number;
  conflicts?: unknown[];
  clone?: string;
}
export function git(dir: string, env: NodeJS.ProcessEnv, args: string[], input?: string): string;
export function tipOf(dir: string, env: NodeJS.ProcessEnv): string | null;
export function readHistory(dir: string, env: NodeJS.ProcessEnv): HistoryCommit[];
export function checkClaimHistory(
  dir: string,
  env: NodeJS.ProcessEnv,
  commits: HistoryCommit[],
  skewSeconds: number,
): { problems: string[]; transitions: number; newEpochs: number; takeovers: number; fencedChecked: number; finalClaims: Map<string, unknown> };
export function checkJournals(
  commits: HistoryCommit[],
  acks: Ack[],
  firstParents?: (ack: Ack, n: number) => string[],
): { problems: string[]; tally: { acked: number; direct: number; replayed: number; conflict: number; syncTips: number; syncPending: number; noCommit: number } };
export function fsckStrict(dir: string, env: NodeJS.ProcessEnv): { ok: boolean; output: string };
export function refLocks(gitDir: string): string[];
export function checkTaskClaimConsistency(
  dir: string,
  env: NodeJS.ProcessEnv,
  now: number,
  skewSeconds: number,
): { problems: string[]; byStatus: Record<string, number>; claims: Map<string, unknown> };
