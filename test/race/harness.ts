import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect } from "vitest";
import { DEFAULT_MAX_ATTEMPTS } from "../../src/store/engine.js";
import { discoverRepository } from "../../src/store/git/discover.js";
import { GitStore } from "../../src/store/git-store.js";
import { tempDir } from "../helpers/git-repo.js";
import { COUNTER_PATH, type Item, itemPath, parseItemPath, raceRegistry } from "./registry.js";
import type { WriterOptions } from "./writer.js";

export const NATIVE_WRITER = fileURLToPath(new URL("./native-writer.sh", import.meta.url));
const WRITER_SOURCE = fileURLToPath(new URL("./writer.ts", import.meta.url));
export const REF = "refs/plan/state";

/** Bundles writer.ts (and the store it imports) into one .mjs that plain `node` runs. */
export async function bundleWriter(): Promise<string> {
  const out = join(tempDir("planref-race-bundle-"), "writer.mjs");
  await build({
    entryPoints: [WRITER_SOURCE],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // yaml is CommonJS: inside an ESM bundle it still needs a require().
    banner: { js: 'import { createRequire as __r } from "node:module"; const require = __r(import.meta.url);' },
    logLevel: "warning",
  });
  return out;
}

export interface Ack {
  writer: string;
  seq: number;
  commit: string;
  attempts: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface LineProcess {
  proc: ChildProcess;
  lines: string[];
  stderr: string;
  exit: Promise<Exit>;
  exited: boolean;
}

function track(proc: ChildProcess, onLine: (line: string) => void): LineProcess {
  const lp: LineProcess = { proc, lines: [], stderr: "", exit: Promise.resolve({ code: null, signal: null }), exited: false };
  let buf = "";
  proc.stdout?.setEncoding("utf8");
  proc.stdout?.on("data", (d: string) => {
    buf += d;
    for (let nl = buf.indexOf("\n"); nl !== -1; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lp.lines.push(line);
      onLine(line);
    }
  });
  proc.stderr?.setEncoding("utf8");
  proc.stderr?.on("data", (d: string) => (lp.stderr += d));
  lp.exit = new Promise((resolve, reject) => {
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      lp.exited = true;
      resolve({ code, signal });
    });
  });
  return lp;
}

export interface WriterRun extends LineProcess {
  id: string;
  acks: Ack[];
  roots: Array<{ commit: string | null; attempts: number }>;
  errors: Array<{ code: string; message: string }>;
  loc: { commonDir: string; gitDir: string } | null;
  done: boolean;
}

export function startWriter(bundle: string, cwd: string, env: NodeJS.ProcessEnv, opts: WriterOptions): WriterRun {
  const proc = spawn(process.execPath, [bundle, JSON.stringify(opts)], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const run = {} as WriterRun;
  Object.assign(
    run,
    track(proc, (line) => {
      const [tag, ...rest] = line.split(" ");
      if (tag === "ACK") run.acks.push({ writer: rest[0] as string, seq: Number(rest[1]), commit: rest[2] as string, attempts: Number(rest[3]) });
      else if (tag === "ROOT") run.roots.push({ commit: rest[1] === "noop" ? null : (rest[1] as string), attempts: Number(rest[2]) });
      else if (tag === "ERR") run.errors.push({ code: rest[1] as string, message: rest.slice(2).join(" ") });
      else if (tag === "LOC") run.loc = JSON.parse(rest.join(" "));
      else if (tag === "DONE") run.done = true;
    }),
    { id: opts.id, acks: [], roots: [], errors: [], loc: null, done: false },
  );
  return run;
}

export interface NativeRun extends LineProcess {
  id: string;
  commits: string[];
  lost: number;
  done: boolean;
}

export function startNative(cwd: string, env: NodeJS.ProcessEnv, id: string, want: number, scratch: string): NativeRun {
  const proc = spawn("bash", [NATIVE_WRITER, id, String(want), scratch], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const run = {} as NativeRun;
  Object.assign(
    run,
    track(proc, (line) => {
      const [tag, ...rest] = line.split(" ");
      if (tag === "NATIVE") run.commits.push(rest[1] as string);
      else if (tag === "NDONE") {
        run.done = true;
        run.lost = Number(rest[2]);
      }
    }),
    { id, commits: [], lost: 0, done: false },
  );
  return run;
}

/**
 * A shell loop running git maintenance commands until `stopFile` exists; prints one line per
 * round: ROUND n, or REFUSED n when the command failed only with a message matching
 * `refusal` (an extended regex), which is git declining a step safely; anything else stops
 * the loop with FAILED n.
 */
export function startShellLoop(cwd: string, env: NodeJS.ProcessEnv, body: string, stopFile: string, refusal = ""): LineProcess {
  const script = [
    `n=0; while [ ! -e "$1" ]; do`,
    `  if err=$( { ${body}; } 2>&1 >/dev/null ); then n=$((n+1)); echo "ROUND $n";`,
    `  elif [ -n "$2" ] && ! printf '%s\n' "$err" | grep -vqE "$2"; then echo "REFUSED $n";`,
    `  else printf '%s\n' "$err" >&2; echo "FAILED $n"; exit 9; fi`,
    `done`,
  ].join("\n");
  const proc = spawn("bash", ["-c", script, "loop", stopFile, refusal], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  return track(proc, () => {});
}

export function expectCleanExit(run: { id: string; exit: Promise<Exit>; lines: string[]; stderr: string }, exit: Exit): void {
  expect(exit, `${run.id} exited badly\nstdout: ${run.lines.slice(-5).join("\n")}\nstderr: ${run.stderr}`).toEqual({ code: 0, signal: null });
}

// ---------- reading the repository back with git only ----------

export function git(dir: string, env: NodeJS.ProcessEnv, args: string[], input?: string): string {
  const r = spawnSync("git", args, { cwd: dir, env, encoding: "utf8", input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** `git cat-file --batch` over many object names at once; null for missing ones. */
export function catBatch(dir: string, env: NodeJS.ProcessEnv, names: string[]): Array<Buffer | null> {
  if (names.length === 0) return [];
  const r = spawnSync("git", ["cat-file", "--batch"], { cwd: dir, env, input: `${names.join("\n")}\n`, maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git cat-file --batch failed: ${r.stderr}`);
  const out = r.stdout as Buffer;
  const result: Array<Buffer | null> = [];
  let i = 0;
  for (const _ of names) {
    const nl = out.indexOf(0x0a, i);
    const header = out.subarray(i, nl).toString("latin1");
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
      result.push(null);
      i = nl + 1;
      continue;
    }
    const size = Number(header.split(" ")[2]);
    result.push(Buffer.from(out.subarray(nl + 1, nl + 1 + size)));
    i = nl + 1 + size + 1;
  }
  return result;
}

function parseCounter(bytes: Buffer | null, where: string): number {
  const text = bytes?.toString("utf8") ?? "";
  const m = /^value: (\d+)\n$/.exec(text);
  if (!m) throw new Error(`counter.yaml at ${where} is ${JSON.stringify(text)}`);
  return Number(m[1]);
}

export function findLockFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".lock")) found.push(p);
    }
  };
  walk(dir);
  return found;
}

export function fsckStrict(dir: string, env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const r = spawnSync("git", ["fsck", "--strict", "--no-progress", "--no-dangling"], { cwd: dir, env, encoding: "utf8" });
  const output = `${r.stdout}${r.stderr}`;
  return { ok: r.status === 0 && !/error|missing|broken|corrupt|bad sha1/i.test(output), output };
}

export interface CheckInput {
  dir: string;
  env: NodeJS.ProcessEnv;
  acks: Ack[];
  /** Commits acknowledged by native git writers (never killed: each must be on the chain). */
  native?: string[];
  /** Writers that were SIGKILLed: each may own at most one commit it never acknowledged. */
  killed?: Set<string>;
}

export interface CheckResult {
  tip: string;
  chain: number;
  counter: number;
  items: number;
  planrefCommits: number;
  nativeCommits: number;
  unacked: string[];
}

/**
 * Every invariant of a race run, checked from git's side:
 *  - the ref is a commit; history is one first-parent chain from a single root, no merges;
 *  - the counter is 0 at the root and exactly +1 at every commit (nothing lost, nothing doubled);
 *  - each planref commit changes counter.yaml and adds exactly the item its subject names,
 *    whose `at` is that commit's counter; each native commit changes counter.yaml only;
 *  - every acknowledged write is on the chain, in the commit it reported, and its item is at
 *    the tip; no two acks share a commit; unacknowledged commits only from killed writers;
 *  - git fsck --strict is clean, no *.lock file is left, and GitStore reads the tip valid.
 */
export async function checkRepository(input: CheckInput): Promise<CheckResult> {
  const { dir, env } = input;
  const tip = git(dir, env, ["rev-parse", "--verify", REF]).trim();
  expect(git(dir, env, ["cat-file", "-t", tip]).trim()).toBe("commit");

  const chain = git(dir, env, ["rev-list", "--first-parent", "--reverse", REF]).trim().split("\n");
  const all = git(dir, env, ["rev-list", REF]).trim().split("\n");
  expect(all.length, "commits reachable only through second parents").toBe(chain.length);
  expect(git(dir, env, ["rev-list", "--merges", REF]).trim(), "merge commits on the state ref").toBe("");
  const roots = git(dir, env, ["rev-list", "--max-parents=0", REF]).trim().split("\n");
  expect(roots).toEqual([chain[0]]);

  // Counter at every commit: 0 at the root, +1 per commit.
  const counters = catBatch(dir, env, chain.map((c) => `${c}:${COUNTER_PATH}`)).map((b, i) => parseCounter(b, chain[i] as string));
  const jumps = counters.map((v, i) => ({ i, v })).filter(({ i, v }) => v !== i);
  expect(jumps.slice(0, 5), "counter is not exactly the commit's distance from the root (lost or doubled increment)").toEqual([]);

  // What each commit changed.
  const log = git(dir, env, ["log", "--first-parent", "--reverse", "--no-renames", "--name-status", "--format=%x1e%H %s", REF]);
  const records = log.split("\x1e").slice(1);
  expect(records.length).toBe(chain.length);
  const addedBy = new Map<string, number>(); // item path -> chain index
  const commitItem = new Map<string, string>(); // commit -> item path it added
  const nativeOnChain = new Set<string>();
  let planrefCommits = 0;
  records.forEach((rec, i) => {
    const [head = "", ...rest] = rec.trim().split("\n");
    const commit = head.slice(0, 40);
    const subject = head.slice(41);
    expect(commit).toBe(chain[i]);
    if (i === 0) return;
    const changes = rest.filter((l) => l.trim() !== "").sort();
    const planref = /^race: ([A-Za-z0-9_]+) #(\d+)$/.exec(subject);
    if (planref) {
      const path = itemPath(planref[1] as string, Number(planref[2]));
      expect(changes, `changes of ${commit} (${subject})`).toEqual([`A\t${path}`, `M\t${COUNTER_PATH}`]);
      expect(addedBy.has(path), `${path} added twice`).toBe(false);
      addedBy.set(path, i);
      commitItem.set(commit, path);
      planrefCommits++;
    } else if (/^native: /.test(subject)) {
      expect(changes, `changes of ${commit} (${subject})`).toEqual([`M\t${COUNTER_PATH}`]);
      nativeOnChain.add(commit);
    } else {
      throw new Error(`unexpected commit ${commit} "${subject}" on the chain`);
    }
  });

  // Items at the tip: exactly the ones the chain added, each with the counter of its commit.
  const tipItems = git(dir, env, ["ls-tree", "-r", "--name-only", tip])
    .trim()
    .split("\n")
    .filter((p) => p !== COUNTER_PATH);
  expect(tipItems.sort()).toEqual([...addedBy.keys()].sort());
  const blobs = catBatch(dir, env, tipItems.map((p) => `${tip}:${p}`));
  tipItems.forEach((p, k) => {
    const text = blobs[k]?.toString("utf8") ?? "";
    const parsed = parseItemPath(p);
    const idx = addedBy.get(p) as number;
    expect(text, p).toBe(`at: ${idx}\nseq: ${parsed?.seq}\nwriter: ${parsed?.writer}\n`);
  });
  const counter = counters[counters.length - 1] as number;
  expect(counter).toBe(chain.length - 1);
  expect(counter).toBe(planrefCommits + nativeOnChain.size);
  expect(tipItems.length).toBe(planrefCommits);

  // Acknowledgements.
  const ackCommits = new Set<string>();
  for (const a of input.acks) {
    expect(ackCommits.has(a.commit), `two acks report ${a.commit}`).toBe(false);
    ackCommits.add(a.commit);
    expect(commitItem.get(a.commit), `ack ${a.writer}#${a.seq} ${a.commit} is not on the chain with its item`).toBe(itemPath(a.writer, a.seq));
  }
  const unacked = [...commitItem.entries()].filter(([c]) => !ackCommits.has(c)).map(([, p]) => p);
  const killed = input.killed ?? new Set<string>();
  const acksByWriter = new Map<string, number>();
  for (const a of input.acks) acksByWriter.set(a.writer, (acksByWriter.get(a.writer) ?? 0) + 1);
  for (const p of unacked) {
    const it = parseItemPath(p);
    expect(it && killed.has(it.writer), `commit adding ${p} was never acknowledged and its writer was not killed`).toBe(true);
    // A killed writer can only have committed its next write before dying.
    expect(it?.seq, `unacknowledged ${p}`).toBe(acksByWriter.get(it?.writer as string) ?? 0);
  }
  const native = input.native ?? [];
  expect(new Set(native).size).toBe(native.length);
  for (const c of native) expect(nativeOnChain.has(c), `native commit ${c} lost`).toBe(true);
  expect(nativeOnChain.size, "native commits on the chain that no native writer reported").toBe(native.length);

  const fsck = fsckStrict(dir, env);
  expect(fsck.ok, fsck.output).toBe(true);
  const location = discoverRepository(dir, env);
  expect(findLockFiles(location.commonDir)).toEqual([]);

  // planref itself reads the final state as valid.
  const store = new GitStore({ location, registry: raceRegistry(), useDiskCache: false });
  try {
    const snap = await store.snapshot();
    expect(snap.commit).toBe(tip);
    expect(snap.issues).toEqual([]);
    expect((snap.get(COUNTER_PATH) as { value: number }).value).toBe(counter);
    expect(snap.paths("items/").length).toBe(tipItems.length);
    const someItem = tipItems[0];
    if (someItem) expect((snap.get(someItem) as Item).at).toBe(addedBy.get(someItem));
  } finally {
    await store.close();
  }
  return { tip, chain: chain.length, counter, items: tipItems.length, planrefCommits, nativeCommits: nativeOnChain.size, unacked };
}

export function attemptStats(acks: Ack[]): { mean: string; p90: number; max: number; retried: number; overDefaultMax: number } {
  const sorted = acks.map((a) => a.attempts).sort((x, y) => x - y);
  const total = sorted.reduce((s, a) => s + a, 0);
  return {
    mean: (acks.length ? total / acks.length : 0).toFixed(2),
    p90: sorted[Math.floor(sorted.length * 0.9)] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    retried: sorted.filter((a) => a > 1).length,
    // Transactions that needed more attempts than Engine's DEFAULT_MAX_ATTEMPTS (the writers
    // pass a higher maxAttempts): with default options these would have failed REF_CONFLICT.
    overDefaultMax: sorted.filter((a) => a > DEFAULT_MAX_ATTEMPTS).length,
  };
}

export function summary(name: string, fields: Record<string, string | number>): void {
  console.log(`[race] ${name}: ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")}`);
}
