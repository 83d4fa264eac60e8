import { spawnSync } from "node:child_process";
import { readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { UnsupportedRepositoryError } from "../errors.js";
import type { DocumentRegistry } from "./documents.js";
import { Engine, invalidState, matchesTrailers, toHistoryEntry } from "./engine.js";
import { CatFileBatch } from "./git/cat-file.js";
import { committerFromConfig } from "./git/ident.js";
import type { RepoLocation } from "./git/discover.js";
import { type ObjectType, parseSignature, type RawObject, readLooseObject, writeLooseObject } from "./git/objects.js";
import { writePack } from "./git/pack-writer.js";
import { compareAndSwapRef, holdRef, readRef } from "./git/refs.js";
import { ensureGitVersion, gitEnv, gitText, rememberGitVersionIn, runGit } from "./git/run.js";
import {
  appendJournal,
  CacheDamagedError,
  changedDocuments,
  journalKey,
  journalLines,
  readJournal,
  SnapshotCacheReader,
  type SyncObjects,
  writeJsonAtomic,
  writeSnapshotCache,
} from "./snapshot-cache.js";
import { entryJson, type FileEntry, type ObjectDb, type StateTree } from "./state-tree.js";
import type { HistoryEntry, HistoryQuery, Identity, Mutation, TransactOptions, TransactResult } from "./types.js";

const CACHE_REWRITE_DRIFT = 256;
/** Journal lines longer than this (a large spec source) are left out: decoding them again is fine. */
const JOURNAL_MAX_DOCUMENT = 64 * 1024;
/**
 * Every reader parses the whole journal, and it keeps each version of a document written
 * since the cache: past this size (or past the cache's own size, which a small repository
 * reaches first) the cache is rewritten instead, and the journal starts again.
 */
const JOURNAL_MAX_BYTES = 256 * 1024;

/**
 * From this many objects on, a transaction's objects go into one pack (git index-pack) rather
 * than loose files: creating a loose object costs ~0.5 ms of file-system work, a pack one
 * process start for all of them.
 */
const PACK_MIN_OBJECTS = 128;

/** Loose objects are read and written in-process; anything packed goes through one cat-file. */
export class GitObjectDb implements ObjectDb {
  private readonly objectsDir: string;
  private batch: CatFileBatch | null = null;

  constructor(private readonly commonDir: string) {
    this.objectsDir = join(commonDir, "objects");
  }

  async read(oid: string): Promise<RawObject | null> {
    return readLooseObject(this.objectsDir, oid) ?? (await this.cat().read(oid));
  }

  async readMany(oids: readonly string[]): Promise<Array<RawObject | null>> {
    const out: Array<RawObject | null> = oids.map((o) => readLooseObject(this.objectsDir, o));
    const missing: number[] = [];
    out.forEach((o, i) => {
      if (!o) missing.push(i);
    });
    if (missing.length > 0) {
      const found = await this.cat().readMany(missing.map((i) => oids[i] as string));
      missing.forEach((idx, j) => (out[idx] = found[j] ?? null));
    }
    return out;
  }

  /**
   * Without waiting: loose objects in-process, packed ones through a one-off cat-file. Only
   * for the rare read a lazily loaded view cannot answer from its cache.
   */
  readSync(oid: string): RawObject | null {
    const loose = readLooseObject(this.objectsDir, oid);
    if (loose) return loose;
    const r = spawnSync("git", ["--git-dir", this.commonDir, "cat-file", "--batch"], { input: `${oid}\n`, env: gitEnv(), maxBuffer: 1 << 30 });
    if (r.status !== 0 || !r.stdout) return null;
    const nl = r.stdout.indexOf(0x0a);
    const [, type, size] = r.stdout.subarray(0, nl).toString("latin1").split(" ");
    if (type === "missing" || !type || !size) return null;
    return { type: type as ObjectType, content: Buffer.from(r.stdout.subarray(nl + 1, nl + 1 + Number(size))) };
  }

  write(type: ObjectType, content: Buffer): string {
    return writeLooseObject(this.objectsDir, type, content);
  }

  async writeAll(objects: readonly RawObject[]): Promise<void> {
    if (objects.length < PACK_MIN_OBJECTS) {
      for (const o of objects) writeLooseObject(this.objectsDir, o.type, o.content);
      return;
    }
    await writePack(this.commonDir, objects);
  }

  close(): void {
    this.batch?.close();
    this.batch = null;
  }

  private cat(): CatFileBatch {
    this.batch ??= new CatFileBatch(this.commonDir);
    return this.batch;
  }
}

export interface GitStoreOptions {
  location: RepoLocation;
  registry: DocumentRegistry;
  ref?: string;
  /** Identifies the document schemas; a cache written under another key is not reused. */
  cacheKey?: string;
  /** Set false to keep no cache on disk (tests of the cold path). */
  useDiskCache?: boolean;
  lockTimeoutMs?: number;
}

export class GitStore extends Engine {
  readonly location: RepoLocation;
  private readonly objectDb: GitObjectDb;
  private readonly cacheFile: string | null;
  private readonly cacheKey: string;
  /** The disk cache's view, opened once: undefined until tried, null when there is none usable. */
  private diskView: StateTree | null | undefined;
  private cacheReader: SnapshotCacheReader | null = null;
  private journal = new Map<string, string>();
  private journalBytes = 0;
  private readonly identity: { promise: Promise<Identity | null> | null };
  /** Documents by which the current view differs from the disk cache (Infinity: no usable cache). */
  private drift = Number.POSITIVE_INFINITY;

  constructor(options: GitStoreOptions) {
    const { commonDir } = options.location;
    const objects = new GitObjectDb(commonDir);
    const identity = { promise: null as Promise<Identity | null> | null };
    super({
      ref: options.ref ?? "refs/plan/state",
      objects,
      refs: {
        read: (ref) => readRef(commonDir, ref),
        cas: (ref, expected, next) => compareAndSwapRef(commonDir, ref, expected, next, { lockTimeoutMs: options.lockTimeoutMs }),
        hold: (ref, work) => holdRef(commonDir, ref, work, { lockTimeoutMs: options.lockTimeoutMs }),
      },
      registry: options.registry,
      committer: () => (identity.promise ??= committerOf(commonDir)),
    });
    this.identity = identity;
    this.location = options.location;
    this.objectDb = objects;
    this.cacheKey = options.cacheKey ?? "v1";
    this.cacheFile = options.useDiskCache === false ? null : join(commonDir, "planref", "cache", "snapshot");
    if (this.cacheFile) rememberGitVersionIn(join(commonDir, "planref", "cache", "git-version.json"));
  }

  protected override async baseFor(commit: string): Promise<StateTree | null> {
    if (this.current || !this.cacheFile) return this.current;
    if (this.diskView === undefined) {
      this.cacheReader = SnapshotCacheReader.open(this.cacheFile, this.cacheKey, this.syncObjects());
      if (this.cacheReader) ({ entries: this.journal, bytes: this.journalBytes } = readJournal(this.journalFile(), this.cacheKey));
      this.diskView = this.cacheReader?.view() ?? null;
      if (this.diskView) this.drift = 0;
    }
    // Concurrent first reads all get the cache's view: none of them falls back to a full load.
    const cached = this.diskView;
    if (cached?.commit !== commit) return cached;
    // Reused as the tip's view only if the commit really has that tree; otherwise it is just a diff base.
    if ((await this.readCommit(commit)).tree !== cached.tree) return cached.withCommit("");
    if (this.current) return this.current;
    this.drift = 0;
    super.adopt(cached);
    return cached;
  }

  override transact<R>(mutate: Mutation<R>, options?: TransactOptions): Promise<TransactResult<R>> {
    // The committer (and the git version check, which a write must pass even when it spawns
    // nothing else) is settled while the transaction reads and runs, not after it.
    this.identity.promise ??= committerOf(this.location.commonDir);
    this.identity.promise.catch(() => {});
    return super.transact(mutate, options);
  }

  protected override async load(commit: string | null): Promise<StateTree> {
    try {
      return await super.load(commit);
    } catch (e) {
      if (!(e instanceof CacheDamagedError)) throw e;
      // A damaged cache whose commit is gone from the object database: start over without it.
      this.cacheReader?.close();
      this.cacheReader = null;
      this.diskView = null;
      this.current = null;
      this.drift = Number.POSITIVE_INFINITY;
      return super.load(commit);
    }
  }

  /** What a lazily read view falls back on when its cache cannot answer. */
  private syncObjects(): SyncObjects {
    const registry = this.parts.registry;
    return {
      readSync: (oid) => this.objectDb.readSync(oid),
      decode: (path, content) => {
        const d = registry.decode(path, content, null);
        if ("issues" in d) throw invalidState(d.issues);
        return d.value;
      },
    };
  }

  protected override recall(path: string, oid: string): FileEntry | undefined {
    const json = this.journal.get(journalKey(path, oid));
    return json === undefined ? undefined : { oid, json };
  }

  private journalFile(): string {
    return `${this.cacheFile as string}.journal`;
  }

  protected override adopt(view: StateTree): void {
    if (this.current?.commit !== view.commit) this.drift += view.drift;
    super.adopt(view);
  }

  override async history(query: HistoryQuery = {}): Promise<HistoryEntry[]> {
    const from = query.from ?? (await this.tip());
    if (!from) return [];
    const args = ["log", "--first-parent", "--format=%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B"];
    if (query.limit !== undefined) args.push(`-n${query.limit}`);
    const wanted = Object.entries(query.trailers ?? {});
    if (wanted.length > 0) {
      args.push("--all-match", "-E");
      for (const [k, v] of wanted) args.push(`--grep=^${escapeRegex(k)}: ${escapeRegex(v)}$`);
    }
    args.push(from, "--");
    const out = await runGit(args, { cwd: this.location.commonDir, env: { ...process.env, GIT_DIR: this.location.commonDir }, readOnly: true });
    const entries: HistoryEntry[] = [];
    for (const rec of out.stdout.toString("utf8").split("\x1e").slice(1)) {
      const [oid = "", parents = "", an = "", ae = "", at = "0", cn = "", ce = "", ct = "0", ...rest] = rec.split("\0");
      const entry = toHistoryEntry(oid, {
        tree: "",
        parents: parents ? parents.split(" ") : [],
        author: { name: an, email: ae, time: Number(at), tz: "+0000" },
        committer: { name: cn, email: ce, time: Number(ct), tz: "+0000" },
        message: rest.join("\0"),
      });
      // --grep matched somewhere in the message; the parsed trailer block is the authority.
      if (matchesTrailers(entry, query.trailers)) entries.push(entry);
    }
    return entries;
  }

  private viewFile(name: string): string | null {
    return this.cacheFile ? join(this.cacheFile, "..", "views", `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.json`) : null;
  }

  protected override loadView(name: string): { commit: string | null; value: unknown; key?: string } | undefined {
    const file = this.viewFile(name);
    if (!file) return undefined;
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as { schema?: string; key?: string; commit?: string; value?: unknown };
      if (data.schema !== this.cacheKey || typeof data.commit !== "string") return undefined;
      return { commit: data.commit, value: data.value, ...(typeof data.key === "string" ? { key: data.key } : {}) };
    } catch {
      return undefined;
    }
  }

  protected override saveView(name: string, view: { commit: string | null; value: unknown; key?: string }): void {
    const file = this.viewFile(name);
    if (!file || view.commit === null) return;
    writeJsonAtomic(file, { schema: this.cacheKey, key: view.key, commit: view.commit, value: view.value });
  }

  /** Writes the current view to the disk cache when it moved; the CLI calls this once at exit. */
  flushCache(): void {
    if (!this.current || !this.cacheFile || this.drift === 0) return;
    // Rewriting megabytes after a one-document commit costs more than the next reader's diff
    // from the older cache (it reads only what changed, and takes the documents it changed
    // from the journal), so the cache is rewritten only once the view has drifted well away
    // or the journal has grown too big to read on every command.
    if (this.drift <= CACHE_REWRITE_DRIFT && this.cacheReader) {
      const base = this.cacheReader.view();
      const entries: Array<[string, string, string]> = [];
      for (const [path, f] of changedDocuments(this.current, base)) {
        const key = journalKey(path, f.oid);
        if (this.journal.has(key) || (f.value === undefined && f.json === undefined)) continue;
        const json = entryJson(f);
        if (json.length > JOURNAL_MAX_DOCUMENT) continue;
        entries.push([path, f.oid, json]);
      }
      const lines = journalLines(this.cacheKey, entries);
      const bytes = this.journalBytes + Buffer.byteLength(lines, "utf8");
      if (bytes <= Math.min(JOURNAL_MAX_BYTES, Math.max(this.cacheReader.bytes, 4096))) {
        appendJournal(this.journalFile(), lines);
        for (const [path, oid, json] of entries) this.journal.set(journalKey(path, oid), json);
        this.journalBytes = bytes;
        return;
      }
    }
    // Unchanged documents are copied from the old cache as text: read it in one go.
    this.cacheReader?.slurp();
    if (!writeSnapshotCache(this.cacheFile, this.cacheKey, this.current)) return;
    this.drift = 0;
    this.journal = new Map();
    this.journalBytes = 0;
    try {
      unlinkSync(this.journalFile());
    } catch {
      /* none yet */
    }
    // Later flushes of a long-lived process compare with the cache now on disk. The old reader
    // stays open for the views built on it, and is closed once they are gone.
    this.cacheReader = SnapshotCacheReader.open(this.cacheFile, this.cacheKey, this.syncObjects());
    try {
      // The JSON cache of earlier versions, 14 MB at 10,000 tasks.
      unlinkSync(join(this.cacheFile, "..", "snapshot.json"));
    } catch {
      /* not there */
    }
  }

  override async close(): Promise<void> {
    try {
      this.flushCache();
    } finally {
      // Views still in use after this read what they need from the object database.
      this.cacheReader?.close();
      this.objectDb.close();
    }
  }
}

/** Refuses an old git before anything is published, then names the committer. */
async function committerOf(commonDir: string): Promise<Identity | null> {
  const [, who] = await Promise.all([ensureGitVersion(commonDir), gitCommitter(commonDir)]);
  return who;
}

async function gitCommitter(commonDir: string): Promise<Identity | null> {
  // Read in-process when the config leaves no doubt: one git spawn less on every write.
  const known = committerFromConfig(commonDir, process.env);
  if (known) return known;
  try {
    const text = await gitText(["var", "GIT_COMMITTER_IDENT"], { cwd: commonDir, env: { ...process.env, GIT_DIR: commonDir }, readOnly: true });
    const sig = parseSignature(text.trim());
    return { name: sig.name, email: sig.email };
  } catch (e) {
    if (e instanceof UnsupportedRepositoryError) throw e;
    // No git identity configured: the acting actor stands as committer too.
    return null;
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
