import { type Issue, RefConflictError, ValidationError } from "../errors.js";
import type { DocumentRegistry } from "./documents.js";
import { type CommitObject, decodeCommit, decodeTree, encodeCommit, TREE_MODE, type TreeEntry, tzOffset } from "./git/objects.js";
import type { CasResult } from "./git/refs.js";
import { formatCommitMessage, parseCommitMessage } from "./message.js";
import { applyChanges, deepFreeze, type EncodedChange, type FileEntry, loadStateTree, type ObjectDb, StagedObjects, StateTree } from "./state-tree.js";
import type {
  DeriveReads,
  DocStore,
  Fork,
  HistoryEntry,
  HistoryQuery,
  Identity,
  LoadedSnapshot,
  Mutation,
  Snapshot,
  SnapshotOptions,
  TransactOptions,
  TransactResult,
} from "./types.js";

export interface RefDb {
  read(ref: string): string | null;
  cas(ref: string, expected: string | null, next: string): Promise<CasResult>;
  /** Holds the ref's lock while `work` decides where it moves (stores other processes can write). */
  hold?<T>(ref: string, work: (current: string | null) => Promise<{ next: string | null; result: T }>): Promise<T>;
}

export interface EngineParts {
  ref: string;
  objects: ObjectDb;
  refs: RefDb;
  registry: DocumentRegistry;
  /** The git user running planref; author is the acting actor. */
  committer: () => Promise<Identity | null>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_MAX_ATTEMPTS = 100;
/** Past this many changed documents, a view is computed again rather than carried or updated. */
const CARRY_AT_MOST = 32;

/**
 * The store's transaction engine, independent of where objects and refs live: read tip,
 * run the pure mutation, write objects, CAS; on a lost CAS re-read and run it again.
 */
export class Engine implements DocStore {
  readonly ref: string;
  protected current: StateTree | null = null;

  constructor(protected readonly parts: EngineParts) {
    this.ref = parts.ref;
  }

  async tip(): Promise<string | null> {
    return this.parts.refs.read(this.ref);
  }

  async snapshot(commit?: string | null, options: SnapshotOptions = {}): Promise<LoadedSnapshot> {
    const at = commit === undefined ? await this.tip() : commit;
    const view = await this.load(at);
    if (view.issues.length > 0 && !options.allowInvalid) throw invalidState(view.issues);
    return view;
  }

  /** Loads under way, by commit: concurrent reads of one commit share one diff. */
  private readonly loading = new Map<string, Promise<StateTree>>();

  protected async load(commit: string | null): Promise<StateTree> {
    if (commit === null) return StateTree.empty();
    if (this.current?.commit === commit) return this.current;
    let pending = this.loading.get(commit);
    if (!pending) {
      pending = this.loadFrom(commit).finally(() => this.loading.delete(commit));
      this.loading.set(commit, pending);
    }
    return pending;
  }

  private async loadFrom(commit: string): Promise<StateTree> {
    const base = await this.baseFor(commit);
    if (base?.commit === commit) return base;
    const c = await this.readCommit(commit);
    const view = await loadStateTree(this.parts.objects, this.parts.registry, commit, c.tree, base, (path, oid) => this.recall(path, oid));
    if (view.issues.length === 0) this.adopt(view);
    return view;
  }

  /** A document already known by path and object id (recent writes kept on disk), so it need not be decoded again. */
  protected recall(_path: string, _oid: string): FileEntry | undefined {
    return undefined;
  }

  /** The nearest already-loaded view to diff from; subclasses add a disk cache. */
  protected async baseFor(_commit: string): Promise<StateTree | null> {
    return this.current;
  }

  protected adopt(view: StateTree): void {
    this.current = view;
  }

  async readCommit(oid: string): Promise<CommitObject> {
    const obj = await this.parts.objects.read(oid);
    if (!obj || obj.type !== "commit") throw invalidState([{ commit: oid, message: `commit ${oid} is missing or not a commit` }]);
    return decodeCommit(obj.content);
  }

  async transact<R>(mutate: Mutation<R>, options: TransactOptions = {}): Promise<TransactResult<R>> {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const sleep = this.parts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = this.parts.random ?? Math.random;
    let committer: Identity | null | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const tip = await this.tip();
      const base = (await this.snapshot(tip)) as StateTree;
      const plan = mutate(frozenView(base), attempt);
      if ("noop" in plan) return { commit: null, result: plan.result, attempts: attempt };

      const encoded: EncodedChange[] = plan.changes.map((c) => ({
        path: c.path,
        value: c.value,
        bytes: c.value === null ? null : this.parts.registry.encode(c.path, c.value),
      }));
      // A store that writes many objects cheaper together gets them together, before the CAS.
      const objects = this.parts.objects.writeAll ? new StagedObjects(this.parts.objects) : this.parts.objects;
      const next = applyChanges(objects, base, encoded);
      if (committer === undefined) committer = await this.parts.committer();
      const when = Math.floor(plan.commit.time.getTime() / 1000);
      const tz = tzOffset(plan.commit.time);
      const commitOid = objects.write(
        "commit",
        encodeCommit({
          tree: next.tree as string,
          parents: tip ? [tip] : [],
          author: { ...plan.commit.author, time: when, tz },
          committer: { ...(committer ?? plan.commit.author), time: when, tz },
          message: formatCommitMessage(plan.commit),
        }),
      );
      if (objects instanceof StagedObjects) await this.parts.objects.writeAll?.(objects.objects());
      const cas = await this.parts.refs.cas(this.ref, tip, commitOid);
      if (cas.ok) {
        this.adopt(next.withCommit(commitOid));
        return { commit: commitOid, result: plan.result, attempts: attempt };
      }
      // Lost the race: back off with jitter so contenders spread out, then re-run on the new tip.
      await sleep(Math.min(100, 2 ** Math.min(attempt, 7)) * random());
    }
    throw new RefConflictError("REF_CONFLICT", `${this.ref} kept moving; gave up after ${maxAttempts} attempts`, {
      hint: "Many writers are contending; retry the command.",
      data: { attempts: maxAttempts },
    });
  }

  /** Walks first parents from the tip; the git store answers the same query with `git log`. */
  async history(query: HistoryQuery = {}): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    let oid = query.from ?? (await this.tip());
    const limit = query.limit ?? Infinity;
    while (oid && out.length < limit) {
      const c = await this.readCommit(oid);
      const entry = toHistoryEntry(oid, c);
      if (matchesTrailers(entry, query.trailers)) out.push(entry);
      oid = c.parents[0] ?? null;
    }
    return out;
  }

  async fork(a: string, b: string, maxWalk = Number.POSITIVE_INFINITY): Promise<Fork> {
    type Side = { next: string | null; seen: Map<string, number>; list: HistoryEntry[] };
    const sides: [Side, Side] = [
      { next: a, seen: new Map(), list: [] },
      { next: b, seen: new Map(), list: [] },
    ];
    for (;;) {
      for (const [i, side] of sides.entries()) {
        const other = sides[1 - i] as Side;
        const oid = side.next;
        if (oid === null) continue;
        const at = other.seen.get(oid);
        if (at !== undefined) {
          // `oid` is the first commit this side shares with the other: everything the other walked before it is its own.
          const mine = side.list;
          const theirs = other.list.slice(0, at);
          return { base: oid, onlyA: i === 0 ? mine : theirs, onlyB: i === 0 ? theirs : mine, exhausted: false };
        }
        side.seen.set(oid, side.list.length);
        const entry = toHistoryEntry(oid, await this.readCommit(oid));
        side.list.push(entry);
        side.next = entry.parents[0] ?? null;
      }
      const [x, y] = sides;
      if (x.next === null && y.next === null) return { base: null, onlyA: x.list, onlyB: y.list, exhausted: false };
      if (x.list.length >= maxWalk && y.list.length >= maxWalk) return { base: null, onlyA: x.list, onlyB: y.list, exhausted: true };
    }
  }

  protected readonly views = new Map<string, { commit: string | null; value: unknown; key?: string }>();

  async derive<T>(name: string, compute: (snapshot: LoadedSnapshot) => T, key?: string, reads?: DeriveReads<T>): Promise<{ commit: string | null; value: T }> {
    const tip = await this.tip();
    const hit = this.views.get(name) ?? this.loadView(name);
    if (hit && hit.commit === tip && hit.key === key) return { commit: tip, value: hit.value as T };
    const carried = hit && hit.key === key && reads && hit.commit && tip ? await this.carryView(hit.value as T, hit.commit, tip, reads) : undefined;
    const value = carried ? carried.value : compute(await this.snapshot(tip));
    const view = { commit: tip, value, ...(key !== undefined ? { key } : {}) };
    this.views.set(name, view);
    this.saveView(name, view);
    return view;
  }

  /** A view's value at `to`, from its value at `from`, when what `reads` covers allows it without computing. */
  private async carryView<T>(value: T, from: string, to: string, reads: DeriveReads<T>): Promise<{ value: T } | undefined> {
    const { prefixes, project, update } = "prefixes" in reads ? reads : { prefixes: reads, project: undefined, update: undefined };
    try {
      const changed = (await this.changedPaths(from, to)).filter((p) => prefixes.some((prefix) => p.startsWith(prefix)));
      if (changed.length === 0) return { value };
      if ((!project && !update) || changed.length > CARRY_AT_MOST) return undefined;
      const [before, after] = await Promise.all([this.documentsAt(from, changed), this.documentsAt(to, changed)]);
      const same = (path: string, a: unknown, b: unknown) => a !== undefined && b !== undefined && JSON.stringify(project?.(path, a)) === JSON.stringify(project?.(path, b));
      if (project && changed.every((path, i) => same(path, before[i], after[i]))) return { value };
      if (!update) return undefined;
      // The tip's snapshot (a diff from a nearby view) also fails here if the tip holds an invalid document.
      const next = update(value, changed.map((path, i) => ({ path, before: before[i], after: after[i] })), await this.snapshot(to));
      return next === undefined ? undefined : { value: next };
    } catch {
      return undefined;
    }
  }

  /**
   * Documents at a commit by path, read straight from their trees without loading a view of
   * the commit (undefined where there is none; throws where one cannot be read or is invalid):
   * a few reads, however large the state.
   */
  private async documentsAt(commit: string, paths: readonly string[]): Promise<unknown[]> {
    const trees = new Map<string, Promise<Map<string, TreeEntry>>>();
    const tree = (oid: string) => {
      let t = trees.get(oid);
      if (!t) {
        t = treeEntries(this.parts.objects, oid, { commit });
        trees.set(oid, t);
      }
      return t;
    };
    const root = (await this.readCommit(commit)).tree;
    return Promise.all(
      paths.map(async (path) => {
        let entry: TreeEntry | undefined = { name: "", mode: TREE_MODE, oid: root };
        for (const name of path.split("/")) {
          if (entry?.mode !== TREE_MODE) return undefined;
          entry = (await tree(entry.oid)).get(name);
        }
        if (!entry || entry.mode === TREE_MODE) return undefined;
        const blob = await this.parts.objects.read(entry.oid);
        if (blob?.type !== "blob") throw invalidState([{ commit, path, message: `${path} is missing or not a file` }]);
        const decoded = this.parts.registry.decode(path, blob.content, commit);
        if (!("value" in decoded)) throw invalidState(decoded.issues);
        return decoded.value;
      }),
    );
  }

  /** Disk persistence of derived views; the git store keeps them in its cache directory. */
  protected loadView(_name: string): { commit: string | null; value: unknown; key?: string } | undefined {
    return undefined;
  }

  protected saveView(_name: string, _view: { commit: string | null; value: unknown; key?: string }): void {}

  async changedPaths(from: string | null, to: string | null): Promise<string[]> {
    const treeOf = async (c: string | null) => (c === null ? null : (await this.readCommit(c)).tree);
    const out: string[] = [];
    await diffTrees(this.parts.objects, await treeOf(from), await treeOf(to), "", out);
    return out.sort();
  }

  detached(start: string | null): Engine {
    let head = start;
    const twin = new Engine({
      ...this.parts,
      refs: {
        read: () => head,
        cas: async (_ref, expected, next) => {
          if (head !== expected) return { ok: false, actual: head };
          head = next;
          return { ok: true };
        },
      },
    });
    // Starting from the view already loaded makes the twin's first read a diff, not a full load.
    twin.current = this.current;
    return twin;
  }

  async advance(expected: string | null, next: string): Promise<boolean> {
    await this.snapshot(next);
    const cas = await this.parts.refs.cas(this.ref, expected, next);
    return cas.ok;
  }

  async whileHeld<T>(work: (tip: string | null) => Promise<{ next: string | null; result: T }>): Promise<T> {
    const validated = async (tip: string | null): Promise<{ next: string | null; result: T }> => {
      const r = await work(tip);
      if (r.next !== null) await this.snapshot(r.next);
      return r;
    };
    const refs = this.parts.refs;
    if (refs.hold) return refs.hold<T>(this.ref, validated);
    // Nothing outside this process writes the ref: one CAS after the work is as good as a lock.
    const tip = refs.read(this.ref);
    const r = await validated(tip);
    if (r.next !== null && !(await refs.cas(this.ref, tip, r.next)).ok) {
      throw new RefConflictError("REF_CONFLICT", `${this.ref} moved while it was held`, { hint: "Retry." });
    }
    return r.result;
  }

  async close(): Promise<void> {}
}

/** Collects the paths that differ between two trees, descending only where tree ids differ. */
/** A tree's entries by name; a missing tree is invalid state, reported at `where`. */
async function treeEntries(db: ObjectDb, oid: string, where: { commit?: string; path?: string }): Promise<Map<string, TreeEntry>> {
  const obj = await db.read(oid);
  if (obj?.type !== "tree") throw invalidState([{ ...where, message: `tree ${oid} is missing or not a tree` }]);
  return new Map(decodeTree(obj.content).map((e) => [e.name, e] as const));
}

async function diffTrees(db: ObjectDb, a: string | null, b: string | null, dir: string, out: string[]): Promise<void> {
  if (a === b) return;
  const entries = (oid: string | null) => (oid === null ? Promise.resolve(new Map<string, TreeEntry>()) : treeEntries(db, oid, { path: dir || "/" }));
  const [ea, eb] = await Promise.all([entries(a), entries(b)]);
  for (const name of new Set([...ea.keys(), ...eb.keys()])) {
    const x = ea.get(name);
    const y = eb.get(name);
    if (x?.oid === y?.oid && x?.mode === y?.mode) continue;
    const path = dir === "" ? name : `${dir}/${name}`;
    const xt = x?.mode === TREE_MODE ? x.oid : null;
    const yt = y?.mode === TREE_MODE ? y.oid : null;
    if (xt !== null || yt !== null) await diffTrees(db, xt, yt, path, out);
    if ((x && x.mode !== TREE_MODE) || (y && y.mode !== TREE_MODE)) out.push(path);
  }
}

/**
 * Mutations see frozen documents: views are shared across retries and callers, so an
 * accidental in-place edit must fail loudly. Freezing on access keeps reads that never
 * mutate (status of 10,000 tasks) from paying for it.
 */
function frozenView(base: StateTree): Snapshot {
  return {
    commit: base.commit,
    tree: base.tree,
    // A getter: counting a lazily read view means reading all of it.
    get size() {
      return base.size;
    },
    get: (path) => deepFreeze(base.get(path)),
    has: (path) => base.has(path),
    paths: (prefix) => base.paths(prefix),
  };
}

export function toHistoryEntry(oid: string, c: CommitObject): HistoryEntry {
  const msg = parseCommitMessage(c.message);
  return {
    commit: oid,
    parents: c.parents,
    author: { name: c.author.name, email: c.author.email, time: new Date(c.author.time * 1000) },
    committer: { name: c.committer.name, email: c.committer.email, time: new Date(c.committer.time * 1000) },
    subject: msg.subject,
    body: msg.body,
    trailers: msg.trailers,
  };
}

export function matchesTrailers(entry: HistoryEntry, wanted: Record<string, string> | undefined): boolean {
  if (!wanted) return true;
  return Object.entries(wanted).every(([k, v]) => entry.trailers[k]?.includes(v) ?? false);
}

export function invalidState(issues: Issue[]): ValidationError {
  const first = issues[0];
  const where = first ? `${first.path ?? "state"}${first.commit ? ` at ${first.commit.slice(0, 12)}` : ""}` : "state";
  return new ValidationError(`refs/plan/state holds invalid data: ${where}: ${first?.message ?? "invalid"}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`, issues, {
    code: "INVALID_STATE",
    hint: "Run planref doctor to list every problem; point refs/plan/state back at a good commit with git update-ref, or fix the document in a new commit.",
  });
}
