import type { Issue } from "../errors.js";

/** A kind of document the store accepts at some paths; supplied by the layer above. */
export interface DocumentKind {
  name: string;
  format: "yaml" | "text";
  matches(path: string): boolean;
  /** Schema validation; issues carry JSON pointers, the store adds path and commit. */
  validate(value: unknown, path: string): Issue[];
  /** Per-document byte cap; defaults to the store's. */
  maxBytes?: number;
}

export interface Identity {
  name: string;
  email: string;
}

export interface Snapshot {
  /** The commit this view was read at; null before the first commit. */
  readonly commit: string | null;
  readonly tree: string | null;
  get(path: string): unknown;
  has(path: string): boolean;
  /** Sorted paths, optionally under a prefix (`tasks/`). */
  paths(prefix?: string): string[];
  readonly size: number;
}

export interface DocChange {
  path: string;
  /** The new document, or null to delete it. */
  value: unknown;
}

export interface CommitInfo {
  subject: string;
  body?: string;
  /** Queryable without reading trees: Planref-Op, Planref-Task, Planref-Actor, ... */
  trailers: Array<[string, string]>;
  author: Identity;
  time: Date;
}

export interface TransactionPlan<R> {
  changes: DocChange[];
  commit: CommitInfo;
  result: R;
}

export interface NoChange<R> {
  noop: true;
  result: R;
}

/**
 * A pure function of the state at the tip. It runs again, against the new tip, whenever
 * the compare-and-swap is lost, which is why it must not do I/O.
 */
export type Mutation<R> = (snapshot: Snapshot, attempt: number) => TransactionPlan<R> | NoChange<R>;

export interface TransactOptions {
  maxAttempts?: number;
}

export interface TransactResult<R> {
  /** The new commit, or null when the mutation chose not to change anything. */
  commit: string | null;
  result: R;
  attempts: number;
}

export interface HistoryEntry {
  commit: string;
  parents: string[];
  author: Identity & { time: Date };
  committer: Identity & { time: Date };
  subject: string;
  body: string;
  trailers: Record<string, string[]>;
}

export interface Fork {
  base: string | null;
  onlyA: HistoryEntry[];
  onlyB: HistoryEntry[];
  exhausted: boolean;
}

export interface HistoryQuery {
  limit?: number;
  /** Every listed trailer must have the given value. */
  trailers?: Record<string, string>;
  /** Start from this commit instead of the tip. */
  from?: string;
}

export interface SnapshotOptions {
  /** Return a view even when documents are invalid (doctor), listing them in `issues`. */
  allowInvalid?: boolean;
}

export interface LoadedSnapshot extends Snapshot {
  readonly issues: Issue[];
}

/** A document that differs between two commits: its value at each (undefined where it is absent). */
export interface DocDelta {
  path: string;
  before: unknown;
  after: unknown;
}

/** What a derived value reads: path prefixes, and optionally how a change to them can be absorbed. */
export type DeriveReads<T = unknown> =
  | readonly string[]
  | {
      prefixes: readonly string[];
      /**
       * The part of a document under the prefixes that `compute` uses. A change that leaves
       * it equal (as JSON) does not stop the value from being carried; a document added or
       * removed always does.
       */
      project?: (path: string, doc: unknown) => unknown;
      /**
       * Brings a value computed at an older commit up to date with the documents that changed
       * under the prefixes (a few at most), given the tip's snapshot for point reads; returns a
       * new value, or undefined when only computing it again will do. Must equal what
       * `compute` returns at the tip.
       */
      update?: (value: T, changes: readonly DocDelta[], tip: Snapshot) => T | undefined;
    };

/** The generic engine: documents at paths on one ref, changed only by CAS transactions. */
export interface DocStore {
  readonly ref: string;
  tip(): Promise<string | null>;
  snapshot(commit?: string | null, options?: SnapshotOptions): Promise<LoadedSnapshot>;
  transact<R>(mutate: Mutation<R>, options?: TransactOptions): Promise<TransactResult<R>>;
  history(query?: HistoryQuery): Promise<HistoryEntry[]>;
  /**
   * A value computed from the documents at the tip, cached by commit (in memory, and on
   * disk for the git store) so that reads at an unchanged tip skip loading the documents.
   * `compute` must be a pure function of the snapshot (and of `key`, for inputs that are not
   * in the documents); `name` changes when it does. With `reads` (path prefixes such as
   * "tasks/", or prefixes and a projection), `compute` promises to read only documents under
   * them: a value cached at an older commit is carried to the tip when no document under them
   * changed in between, when each that changed projects to the same value on both sides, or
   * when `update` brings it up to date from the changed documents.
   */
  derive<T>(name: string, compute: (snapshot: Snapshot) => T, key?: string, reads?: DeriveReads<T>): Promise<{ commit: string | null; value: T }>;
  /**
   * Where the first-parent histories of `a` and `b` part: the first commit both reach, and
   * each side's commits since it, newest first. Read in process, walking both sides in step,
   * so the cost follows the divergence, not the length of history. `base` is null when they
   * share no commit; `exhausted` when that was not settled within `maxWalk` commits a side.
   */
  fork(a: string, b: string, maxWalk?: number): Promise<Fork>;
  /** Paths whose documents differ between two commits (null: the empty state), sorted. */
  changedPaths(from: string | null, to: string | null): Promise<string[]>;
  /**
   * A store over the same objects whose ref lives only in memory, starting at `start`:
   * sync builds replayed history there and publishes it with one `advance`.
   */
  detached(start: string | null): DocStore;
  /**
   * Moves the ref from `expected` to `next`, a commit already in the object store, after
   * checking every document of `next`; false when the ref no longer was `expected`.
   */
  advance(expected: string | null, next: string): Promise<boolean>;
  /**
   * Runs `work` while no other writer can move the ref, then moves it to `next` (checked
   * like `advance`) unless that is null. Others wait meanwhile: `work` must be short.
   */
  whileHeld<T>(work: (tip: string | null) => Promise<{ next: string | null; result: T }>): Promise<T>;
  /** Flush caches and stop helper processes. */
  close(): Promise<void>;
}
