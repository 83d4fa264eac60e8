// Shared helpers for the benchmark: an isolated git environment, a bundle of store
// internals built from src/ with esbuild, process timing and statistics.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BIN = join(ROOT, "bin", "planref");
export const BENCH_DIR = join(ROOT, "bench");

/** The same isolation as test/helpers/git-repo.ts: no GIT_ or PLANREF_ variables from outside, a private HOME, no system config. */
export function isolatedEnv(home, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("GIT_") && !k.startsWith("PLANREF_") && k !== "CLAUDECODE") env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Test User",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test User",
    GIT_COMMITTER_EMAIL: "test@example.com",
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  };
}

/**
 * Private, writable copies of fixtures under `runRoot`: hard links for the immutable objects,
 * so a copy is instant.
 */
export function workCopier(runRoot) {
  let copies = 0;
  return (src, name) => {
    const dst = join(runRoot, `${name}-${++copies}`);
    const r = spawnSync("cp", ["-al", src, dst]);
    if (r.status !== 0) throw new Error(`cp -al ${src}: ${r.stderr}`);
    return dst;
  };
}

/** A HOME with a fixed .gitconfig (gc.auto = 0: nothing repacks behind the benchmark's back). */
export function makeHome(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, ".gitconfig"),
    "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n",
  );
  return dir;
}

/** Runs git synchronously; throws with stderr on failure. */
export function git(args, { cwd, env, input, maxBuffer = 1 << 30, allowFailure = false } = {}) {
  const r = spawnSync("git", args, { cwd, env, input, maxBuffer, stdio: ["pipe", "pipe", "pipe"] });
  if (r.error) throw r.error;
  if (r.status !== 0 && !allowFailure) {
    throw new Error(`git ${args.join(" ")} failed (${r.status}): ${r.stderr.toString().trim().slice(0, 2000)}`);
  }
  return r;
}

export function gitText(args, opts) {
  return git(args, opts).stdout.toString("utf8").trim();
}

/**
 * Bundles the store internals the benchmark needs (GitStore, registry, layout, YAML) from
 * src/ into `dir`, the way scripts/build.mjs bundles the CLI. Needs the generated validators,
 * which `npm run build` writes first.
 */
export async function buildInternals(dir) {
  const out = join(dir, "internals.mjs");
  const { build } = await import("esbuild");
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  mkdirSync(dir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    stdin: {
      resolveDir: ROOT,
      sourcefile: "bench-internals.ts",
      loader: "ts",
      contents: [
        'export { GitStore, GitObjectDb } from "./src/store/git-store.ts";',
        'export { CatFileBatch } from "./src/store/git/cat-file.ts";',
        'export { writeLooseObject, hashObject, decodeTree } from "./src/store/git/objects.ts";',
        'export { readRef } from "./src/store/git/refs.ts";',
        'export { discoverRepository } from "./src/store/git/discover.ts";',
        'export { toCanonicalYaml, parseYaml } from "./src/store/yaml.ts";',
        'export { formatCommitMessage, parseCommitMessage } from "./src/store/message.ts";',
        'export { createRegistry, SCHEMA_KEY, taskPath, PLAN_PATH, FORMAT_VERSION } from "./src/app/state/documents.ts";',
        'export { DEFAULT_SETTINGS } from "./src/app/state/plan.ts";',
      ].join("\n"),
    },
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    define: { __PLANREF_VERSION__: JSON.stringify(pkg.version) },
    banner: { js: 'import { createRequire as __planrefRequire } from "node:module"; const require = __planrefRequire(import.meta.url);' },
    legalComments: "none",
    logLevel: "warning",
  });
  return out;
}

export function importFile(path) {
  return import(pathToFileURL(path).href);
}

export const TMP = tmpdir();

// ---- statistics ----

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { n: s.length, median, p90: quantile(s, 0.9), min: s[0], max: s[s.length - 1] };
}

/** Times `n` synchronous spawns of a command; returns milliseconds per run. */
export function timeSpawns(n, cmd, args, opts, { before, check } = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    before?.(i);
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...opts });
    const ms = performance.now() - t0;
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${String(r.stderr).slice(0, 2000)}`);
    check?.(r, i);
    out.push(ms);
  }
  return out;
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return "-";
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtSec(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A small seeded PRNG: fixtures are the same bytes on every run. */
export { mulberry32 } from "./prng.mjs";

/** Decodes a sample of the state's documents with the current schemas (fixtures outlive schema changes). */
export function sampleCheck(repo, env, lib, hint) {
  const registry = lib.createRegistry();
  const entries = gitText(["ls-tree", "-r", "refs/plan/state"], { cwd: repo, env })
    .split("\n")
    .map((l) => l.split(/\s+/))
    .filter(([, , , path], i) => path === lib.PLAN_PATH || i % 25 === 0);
  const out = git(["cat-file", "--batch"], { cwd: repo, env, input: `${entries.map((e) => e[2]).join("\n")}\n` }).stdout;
  let pos = 0;
  for (const [, , oid, path] of entries) {
    const nl = out.indexOf(0x0a, pos);
    const size = Number(out.subarray(pos, nl).toString("latin1").split(" ")[2]);
    const decoded = registry.decode(path, out.subarray(nl + 1, nl + 1 + size), null);
    if ("issues" in decoded) {
      throw new Error(
        `cached fixture document ${path} (${oid}) is no longer valid: ${JSON.stringify(decoded.issues[0])}. The schemas changed: ${hint}`,
      );
    }
    pos = nl + 1 + size + 1;
  }
  return entries.length;
}

/**
 * Starts `count` processes that each print "ready", waits for all of them, then releases
 * them together ("go" on stdin) so they really contend. Each prints its result as JSON on
 * its second line. Returns the results and the wall time from "go" to the last exit.
 */
export async function runTogether(count, start, { live, label }) {
  const children = [];
  for (let k = 0; k < count; k++) {
    const child = start(k);
    live.add(child);
    child.on("close", () => live.delete(child));
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    children.push({
      child,
      ready: new Promise((resolve, reject) => {
        child.stdout.on("data", () => (out.startsWith("ready\n") ? resolve() : null));
        child.on("close", (code) => reject(new Error(`${label} ${k} exited ${code} before ready: ${err}`)));
      }),
      done: new Promise((resolve, reject) =>
        child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.split("\n")[1])) : reject(new Error(`${label} ${k} exited ${code}: ${err.slice(0, 2000)}`)))),
      ),
    });
  }
  await Promise.all(children.map((c) => c.ready));
  const go = performance.now();
  for (const c of children) c.child.stdin.end("go\n");
  const settled = await Promise.allSettled(children.map((c) => c.done));
  const wallMs = performance.now() - go;
  const crashed = settled.filter((r) => r.status === "rejected").map((r) => r.reason.message);
  if (crashed.length) throw new Error(`${crashed.length} ${label}(s) failed:\n${crashed.join("\n")}`);
  return { results: settled.map((r) => r.value), wallMs };
}
