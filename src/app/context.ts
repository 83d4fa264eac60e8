import type { DocStore } from "../store/types.js";

export interface Actor {
  name: string;
  email: string;
  /** agent, human, ... as declared by the caller. */
  kind: string;
}

/** Git facts the doctor reports; supplied by the runtime so use cases stay free of git. */
export interface RepoHealth {
  gitVersion(): Promise<string>;
  lock(): { path: string; ageMs: number } | null;
  breakLock(): boolean;
  looseObjects(): Promise<{ count: number; sizeKiB: number }>;
  remotes(): Promise<Array<{ name: string; url: string; fetch: string[] }>>;
  commonDir: string;
}

/** Where the acting process runs; recorded on claims and used to find "my" claim. */
export interface Session {
  host: string;
  /** Top of the caller's worktree, or null in a bare repository. */
  worktree: string | null;
  branch: string | null;
  id?: string;
  model?: string;
}

/** Git operations on the user's repository, supplied by the runtime. Never touches the caller's checkout. */
export interface Workspace {
  /** HEAD commit of a worktree (default: the caller's), or null when unborn. */
  head(worktree?: string): Promise<string | null>;
  resolveCommit(rev: string): Promise<string>;
  /** Creates a branch at `base` without checking it out; fine if it already points there. */
  createBranch(name: string, base: string): Promise<void>;
  /** Adds a linked worktree with `branch` checked out at `path`. */
  addWorktree(path: string, branch: string): Promise<void>;
  /**
   * A fingerprint of everything in a worktree that could change a verification's outcome:
   * HEAD, uncommitted changes and untracked files. Equal fingerprints mean the same work.
   */
  state(worktree: string): Promise<string | null>;
  /** True when `path` exists and is not an empty directory: no worktree can be added there. */
  occupied(path: string): boolean;
  /** Where a branch is checked out, if anywhere. */
  worktreeOf(branch: string): Promise<string | null>;
  /** Files changed in a worktree since `base` (committed, staged, unstaged and untracked). */
  changedFiles(base: string, worktree: string): Promise<string[]>;
  /** Where a task's worktree goes by default. */
  defaultWorktreePath(taskLocalId: string): string;
}

/** The epochs this worktree holds, so later commands fence themselves without flags. */
export interface LeaseMemory {
  recall(task: string): number | undefined;
  remember(task: string, epoch: number): void;
  forget(task: string): void;
  tasks(): string[];
  /** Remembers a claim in another worktree too (the linked worktree a claim just created). */
  rememberIn(worktree: string, task: string, epoch: number): void;
}

export interface CommandOutcome {
  exitCode: number | null;
  durationMs: number;
  /** The end of the combined output (the caller keeps only a tail). */
  output: string;
  outputSha256: string;
  outputBytes: number;
}

/** Runs a command for evidence; the runtime streams its output to the user as it runs. */
export interface CommandRunner {
  run(command: string | string[], options: { cwd: string }): Promise<CommandOutcome>;
  /** Tells the user what is about to run (verify prints each command first). */
  announce(line: string): void;
}

/** Transport to git remotes for sync, supplied by the runtime (native git underneath). */
export interface RemoteSync {
  names(): Promise<string[]>;
  /** Fetches the remote's state into refs/plan/remotes/<remote>/state; its tip, or null when it has none. */
  fetch(remote: string): Promise<string | null>;
  /** The last fetched tip of a remote, without network. */
  tracking(remote: string): string | null;
  remoteHasState(remote: string): Promise<boolean>;
  push(remote: string, commit: string, expected: string | null): Promise<{ ok: true } | { ok: false; rejected: true; reason: string }>;
  mergeBase(a: string, b: string): Promise<string | null>;
  divergence(local: string, remote: string): Promise<{ ahead: number; behind: number }>;
  addFetchRefspec(remote: string): Promise<{ refspec: string; added: boolean }>;
  /** Runs `work` as the only sync of this repository (across worktrees and processes). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/** Everything a use case needs from outside: the store, the clock and who is acting. */
export interface AppContext {
  store: DocStore;
  now(): Date;
  actor: Actor;
  repo?: RepoHealth;
  /** A new random id fragment, unique across machines (task ids made outside a PRD). */
  newId(): string;
  session: Session;
  workspace?: Workspace;
  leases?: LeaseMemory;
  runner?: CommandRunner;
  remotes?: RemoteSync;
  /** Default project name for init (the repository's directory name). */
  defaultProjectName?: string;
}
