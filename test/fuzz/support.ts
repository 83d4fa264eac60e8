/**
 * Shared by the fuzz suites: run counts, reproducible seeds and text mutations.
 *
 * - FUZZ_RUNS scales every run count (default 1, the CI budget; `npm run fuzz` uses more).
 * - Every property runs with a seed that is printed when it fails. To replay a failure:
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz -t "<test name>"
 *   (the path makes fast-check jump straight to the shrunk counterexample).
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { onTestFailed } from "vitest";
import { createRegistry } from "../../src/app/state/documents.js";
import type { Issue } from "../../src/errors.js";

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw} must be a positive number`);
  return n;
}

export const SCALE = envNumber("FUZZ_RUNS", 1);

/** Per-test timeout: generous, since a loaded machine runs these several times slower, and scaled with the runs. */
export const TIMEOUT = Math.round(120_000 * Math.max(1, SCALE));

/** `base` runs at the CI budget, scaled by FUZZ_RUNS. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * SCALE));
}

/**
 * fast-check parameters for one property: the run count, and a seed that is chosen here (or
 * taken from FUZZ_SEED) so that it can be printed even when the test dies of a timeout.
 */
export function params<T>(base: number): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const path = process.env.FUZZ_PATH;
  onTestFailed(() => {
    console.error(`fuzz seed ${seed}${path ? ` path ${path}` : ""}: replay with FUZZ_SEED=${seed} (and the path fast-check printed as FUZZ_PATH)`);
  });
  return { numRuns: runs(base), seed, ...(path ? { path } : {}) };
}

/** Rejects after `ms`, naming what hung; clears its timer when the work settles. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- text mutations ----

/** Characters that break naive parsers: NUL, BOM, zero-width, RTL, combining marks, astral, lone surrogates, line separators. */
export const NASTY_CHARS = ["\0", "\uFEFF", "\u200B", "\u202E", "\u0301", "😀", "\uD800", "\uDC00", "\u2028", "\u0085", "\t", "\r", "\x1b", "\\", '"', "'", "`"];

/** A string of nasty and ordinary characters, up to `maxLength` units. */
export function nastyString(maxLength = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 2, arbitrary: fc.constantFrom(...NASTY_CHARS) }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) }), { maxLength: Math.max(1, Math.ceil(maxLength / 4)) })
    .map((parts) => parts.join("").slice(0, maxLength));
}

export type Mutation =
  | { op: "delete"; at: number }
  | { op: "duplicate"; at: number }
  | { op: "swap"; at: number; with: number }
  | { op: "insert"; at: number; line: string }
  | { op: "replace"; at: number; line: string }
  | { op: "splice"; at: number; column: number; text: string }
  | { op: "truncate"; fraction: number }
  | { op: "eol"; eol: "\r\n" | "\r" }
  | { op: "huge"; at: number; unit: string; count: number; into: boolean }
  | { op: "repeat"; at: number; count: number; line?: string };

/** One mutation; line positions are fractions of the document, so any mutation fits any text. */
export function mutation(injections: fc.Arbitrary<string>, options: { hugeMax?: number; repeatMax?: number } = {}): fc.Arbitrary<Mutation> {
  const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant("delete" as const), at }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("duplicate" as const), at }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("swap" as const), at, with: at }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("insert" as const), at, line: injections }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("replace" as const), at, line: injections }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("splice" as const), at, column: at, text: nastyString(12) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), fraction: at }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("eol" as const), eol: fc.constantFrom("\r\n" as const, "\r" as const) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("huge" as const),
        at,
        unit: fc.constantFrom("x", "é", "😀", " ", "#", "-", "`", "*", "[", "{", "a: ", "\t"),
        count: fc.integer({ min: 1_000, max: options.hugeMax ?? 200_000 }),
        // Appended to an existing line (a heading, a bullet) or as a line of its own.
        into: fc.boolean(),
      }),
    },
    // One line many times over: a long list, a wall of headings.
    { weight: 1, arbitrary: fc.record({ op: fc.constant("repeat" as const), at, count: fc.integer({ min: 2, max: options.repeatMax ?? 2_000 }) }) },
  );
}

const index = (fraction: number, length: number): number => Math.min(length - 1, Math.floor(fraction * length));

/** Applies mutations in order to a text seen as lines (a final newline is kept as an empty last line). */
export function mutate(text: string, mutations: readonly Mutation[]): string {
  let lines = text.split("\n");
  let eol = "\n";
  for (const m of mutations) {
    if (lines.length === 0) lines = [""];
    const i = "at" in m ? index(m.at, lines.length) : 0;
    switch (m.op) {
      case "delete":
        lines.splice(i, 1);
        break;
      case "duplicate":
        lines.splice(i, 0, lines[i] as string);
        break;
      case "swap": {
        const j = index(m.with, lines.length);
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
        break;
      }
      case "insert":
        lines.splice(i, 0, ...m.line.split("\n"));
        break;
      case "replace":
        lines.splice(i, 1, ...m.line.split("\n"));
        break;
      case "splice": {
        const line = lines[i] as string;
        const c = Math.floor(m.column * (line.length + 1));
        lines[i] = line.slice(0, c) + m.text + line.slice(c);
        break;
      }
      case "truncate": {
        const joined = lines.join("\n");
        lines = joined.slice(0, Math.floor(m.fraction * joined.length)).split("\n");
        break;
      }
      case "eol":
        eol = m.eol;
        break;
      case "repeat":
        // Not splice(i, 0, ...copies): spreading that many arguments overflows the stack.
        lines = [...lines.slice(0, i), ...new Array<string>(m.count).fill(m.line ?? (lines[i] as string)), ...lines.slice(i)];
        break;
      case "huge": {
        const run = m.unit.repeat(Math.ceil(m.count / m.unit.length));
        if (m.into) lines[i] = `${lines[i] as string} ${run}`;
        else lines.splice(i, 0, run);
        break;
      }
    }
  }
  return lines.join(eol);
}

/**
 * A named seed text and the mutations applied to it. Failures print this recipe (short, even
 * when the text is megabytes), and `text` rebuilds the input from it.
 */
export class Mutant {
  #text: string | undefined;

  constructor(
    readonly seed: string,
    private readonly source: string,
    readonly mutations: readonly Mutation[],
  ) {}

  get text(): string {
    this.#text ??= mutate(this.source, this.mutations);
    return this.#text;
  }

  [fc.toStringMethod](): string {
    return `mutate(${this.seed}, ${JSON.stringify(this.mutations)}) = ${preview(this.text)}`;
  }
}

/** One of the named seed texts with 1..max mutations. */
export function mutated(seeds: Readonly<Record<string, string>>, injections: fc.Arbitrary<string>, options: { max?: number; hugeMax?: number; repeatMax?: number } = {}): fc.Arbitrary<Mutant> {
  return fc
    .tuple(fc.constantFrom(...Object.keys(seeds)), fc.array(mutation(injections, options), { minLength: 1, maxLength: options.max ?? 6 }))
    .map(([name, ms]) => new Mutant(name, seeds[name] as string, ms));
}

/** Shortens long counterexamples in failure messages. */
export function preview(text: string, max = 300): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)`;
}

// ---- state checks, independent of the store under test ----

export interface RepoLike {
  dir: string;
  env: NodeJS.ProcessEnv;
}

export function gitOut(repo: RepoLike, args: string[], input?: Buffer | string): Buffer {
  return execFileSync("git", args, { cwd: repo.dir, env: repo.env, input, maxBuffer: 512 * 1024 * 1024, stdio: ["pipe", "pipe", "pipe"] });
}

export function tipOf(repo: RepoLike): string | null {
  try {
    return gitOut(repo, ["rev-parse", "--verify", "-q", "refs/plan/state"]).toString("utf8").trim() || null;
  } catch {
    return null;
  }
}

/**
 * Every document of `commit` read with git plumbing and decoded by a fresh registry:
 * the issues a valid state does not have (an empty list means the commit is valid).
 */
export function stateIssues(repo: RepoLike, commit: string): Issue[] {
  const listing = gitOut(repo, ["ls-tree", "-r", "-z", "--full-tree", commit]).toString("utf8");
  const entries = listing
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, oid] = line.slice(0, tab).split(" ") as [string, string, string];
      return { mode, type, oid, path: line.slice(tab + 1) };
    });
  const issues: Issue[] = [];
  const blobs = entries.filter((e) => e.type === "blob" && e.mode === "100644");
  for (const e of entries) if (!blobs.includes(e)) issues.push({ path: e.path, commit, message: `entry of mode ${e.mode}` });
  if (blobs.length === 0) return [...issues, { commit, message: "no documents" }];
  issues.push(...blobIssues(repo, blobs.map((b) => ({ path: b.path, oid: b.oid, commit }))));
  if (!blobs.some((b) => b.path === "plan.yaml")) issues.push({ commit, message: "no plan.yaml" });
  return issues;
}

/** The commits `from..to` on the state ref, oldest first, with the paths and blobs each one wrote (null: deleted). */
export function commitsBetween(repo: RepoLike, from: string, to: string): Array<{ commit: string; changes: Array<{ path: string; oid: string | null }> }> {
  const out = gitOut(repo, ["log", "--reverse", "--raw", "--no-abbrev", "--no-renames", "-z", "--format=%x01%H", `${from}..${to}`]).toString("utf8");
  return out
    .split("\x01")
    .filter(Boolean)
    .map((chunk) => {
      const [head = "", ...rest] = chunk.split("\0");
      const changes: Array<{ path: string; oid: string | null }> = [];
      // -z --raw: ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0" per change.
      for (let i = 0; i + 1 < rest.length; i += 2) {
        const meta = (rest[i] as string).trim().split(" ");
        if (meta.length < 5) break;
        const oid = meta[3] as string;
        changes.push({ path: rest[i + 1] as string, oid: /^0+$/.test(oid) ? null : oid });
      }
      return { commit: head.trim(), changes };
    });
}

/** Decodes blobs (by path and oid) with a fresh registry in one cat-file call; the issues found. */
export function blobIssues(repo: RepoLike, blobs: ReadonlyArray<{ path: string; oid: string; commit: string }>): Issue[] {
  if (blobs.length === 0) return [];
  const out = gitOut(repo, ["cat-file", "--batch"], `${blobs.map((b) => b.oid).join("\n")}\n`);
  const registry = createRegistry();
  const issues: Issue[] = [];
  let pos = 0;
  for (const b of blobs) {
    const nl = out.indexOf(0x0a, pos);
    const size = Number(out.subarray(pos, nl).toString("latin1").split(" ")[2]);
    const decoded = registry.decode(b.path, out.subarray(nl + 1, nl + 1 + size), b.commit);
    pos = nl + 1 + size + 1;
    if ("issues" in decoded) issues.push(...decoded.issues);
  }
  return issues;
}

/**
 * Like test/helpers/hand-commit.ts, for entries that are not plain files: a symlink, an
 * executable, a submodule (gitlink), or a file where a directory belongs. `target` is the
 * blob content (or, for a gitlink, a commit id).
 */
export function handCommitEntry(repo: RepoLike, entry: { path: string; mode: "100644" | "100755" | "120000" | "160000"; target: string; remove?: string }): string {
  const env = { ...repo.env, GIT_INDEX_FILE: `${repo.dir}/.git/planref-fuzz-index` };
  const git = (args: string[], input?: string) => execFileSync("git", args, { cwd: repo.dir, env, encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] }).trim();
  const tip = git(["rev-parse", "--verify", "-q", "refs/plan/state"]);
  git(["read-tree", "--empty"]);
  git(["read-tree", tip]);
  if (entry.remove) git(["rm", "--cached", "-q", "-r", entry.remove]);
  const oid = entry.mode === "160000" ? entry.target : git(["hash-object", "-w", "--stdin"], entry.target);
  git(["update-index", "--add", "--cacheinfo", `${entry.mode},${oid},${entry.path}`]);
  const commit = git(["commit-tree", git(["write-tree"]), "-p", tip, "-m", "hand-made entry"]);
  git(["update-ref", "refs/plan/state", commit, tip]);
  return commit;
}
