// Big fixtures for the benchmark, written with `git fast-import` (one stream of blobs and
// commits onto refs/plan/state), never through the engine: 10,000 task documents and a
// history of 100,000 commits build in seconds instead of minutes.
//
//   node bench/fixtures.mjs            build (or reuse) and validate, print the manifest
//   PLANREF_BENCH_REBUILD=1 ...        ignore the cache
//
// Two copies are produced, both with the same refs/plan/state:
//   loose  - the history in the pack fast-import wrote, plus every object of the tip state
//            (tip commit, 257 trees, 10,001 blobs) as loose objects, as planref itself
//            writes them: the in-process loose-object read path is what a cold load takes.
//   packed - a copy after `git gc --prune=now`: one pack, packed-refs, commit-graph, no loose
//            objects, which is what a long-lived repository looks like.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import { stringify } from "yaml";
import { buildInternals, git, gitText, importFile, isolatedEnv, makeHome, mulberry32, sampleCheck, TMP } from "./support.mjs";

export const TASKS = 10_000;
export const COMMITS = 100_000;
export const BATCH = 100; // tasks created per import commit
const SEED = 20240101;
const START_TIME = 1_704_067_200; // 2024-01-01T00:00:00Z

/** Bump GENERATOR when the generated content changes: cached fixtures are keyed by this string. */
const GENERATOR = 1;
export const FIXTURE_VERSION = `v${GENERATOR}-${TASKS}t-${COMMITS}c`;
const SOURCE_HASH = createHash("sha1").update(readFileSync(new URL(import.meta.url))).digest("hex").slice(0, 12);
export const CACHE_ROOT = join(TMP, "planref-bench-fixtures");

/**
 * glibc returns heap to the kernel after every large free; fast-import, fsck and gc then spend
 * much of their time in brk(). A larger trim threshold makes them markedly faster here.
 */
const MALLOC_ENV = { MALLOC_TOP_PAD_: String(256 << 20), MALLOC_TRIM_THRESHOLD_: String(512 << 20) };

function run(cmd, args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out.slice(0, 4000)}`))));
  });
}

const YAML_OPTIONS = { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1" };

// ---- deterministic content ----


const AREAS = ["billing", "auth", "export", "search", "notifications", "reports", "onboarding", "admin", "api", "sync", "storage", "audit"];
const COMPONENTS = ["worker", "controller", "schema", "client", "queue", "cache", "router", "renderer", "importer", "scheduler", "validator", "store"];
const VERBS = ["Add", "Fix", "Refactor", "Harden", "Document", "Speed up", "Split", "Migrate", "Remove", "Test", "Instrument", "Simplify"];
const OBJECTS = ["retry handling", "error messages", "pagination", "rate limiting", "input validation", "the CSV writer", "the PDF layout", "permission checks", "the batch job", "timezone handling", "idempotency keys", "the config loader", "structured logging", "the webhook handler"];
const WHY = [
  "Support staff work around this by hand every week.",
  "Customers reported failures in the last two releases.",
  "The current code is hard to test and blocks the next feature.",
  "Latency on this path regularly exceeds the agreed budget.",
  "The behaviour differs between environments and is not documented.",
  "Parallel agents keep touching these files and conflict.",
];
const HOW = [
  "Keep the public interface unchanged.",
  "Ship behind a setting that defaults to the old behaviour.",
  "Update the developer guide in the same change.",
  "Measure before and after on the staging data set.",
];
const CRITERIA = [
  "existing tests pass without modification",
  "new behaviour is covered by at least one unit test",
  "errors name the failing input and suggest a fix",
  "no request takes longer than 200 ms at the 95th percentile",
  "the change is described in the changelog",
  "retries stop after five attempts with jittered backoff",
  "the output is byte-for-byte reproducible",
  "permissions are checked before any data is read",
];
const NON_GOALS = ["Changing the public API", "Supporting legacy clients", "Rewriting the storage layer", "UI changes", "Performance work beyond the stated budget"];
const EVIDENCE = ["test-report", "benchmark", "screenshot", "review-notes", "migration-plan"];
const MANUAL = ["Check the staging dashboard after deploy", "Ask support to confirm the workflow", "Rotate the test credentials afterwards"];
const ACTORS = ["alice", "bob", "agent-1", "agent-2", "agent-3", "agent-4", "agent-5", "agent-6", "agent-7", "agent-8"];
// Imported tasks start as drafts; a readiness review moves them on (and adds a readiness block).
const STATUSES = [
  ["draft", 0.3],
  ["ready", 0.22],
  ["claimed", 0.03],
  ["in_progress", 0.07],
  ["blocked", 0.03],
  ["submitted", 0.04],
  ["accepted", 0.03],
  ["done", 0.23],
  ["cancelled", 0.05],
];
const PRIORITIES = [
  ["low", 0.25],
  ["medium", 0.45],
  ["high", 0.22],
  ["critical", 0.08],
];

const iso = (t) => new Date(t * 1000).toISOString();
const sha256 = (s) => createHash("sha256").update(s).digest("hex");

function contentHashOf(doc) {
  const { title, intent, acceptanceCriteria, verification, scope, nonGoals, dependencies, requiredEvidence, manualSteps } = doc;
  return sha256(JSON.stringify({ title, intent, acceptanceCriteria, verification, scope, nonGoals, dependencies, requiredEvidence, manualSteps }));
}

class Content {
  constructor(seed) {
    this.r = mulberry32(seed);
  }
  int(n) {
    return Math.floor(this.r() * n);
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  weighted(pairs) {
    let x = this.r();
    for (const [v, w] of pairs) if ((x -= w) < 0) return v;
    return pairs[pairs.length - 1][0];
  }
  some(list, min, max) {
    const n = min + this.int(max - min + 1);
    const out = new Set();
    while (out.size < n) out.add(this.pick(list));
    return [...out];
  }
  scope(area, component) {
    const globs = [`src/${area}/${component}/**`, `test/${area}/${component}.test.ts`, `packages/${area}/src/${component}.ts`, `docs/${area}.md`, `src/${area}/*.ts`, `migrations/${area}/**`];
    return this.some(globs, 1, 2);
  }
}

// ---- canonical YAML, fast ----
// Byte-identical to toCanonicalYaml for the shapes generated here (checked against the yaml
// package on a sample of every run); falls back to the yaml package for any string that is
// not obviously a plain scalar.

const PLAIN_RE = /^[A-Za-z][A-Za-z0-9 ,;.()/_*+=-]*[A-Za-z0-9.)/*_-]$/;
const YAML11_WORDS = new Set(["y", "n", "yes", "no", "true", "false", "on", "off", "null"]);
const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HEX64_RE = /^[0-9a-f]{64}$/;

function scalar(s) {
  if (typeof s === "number") return String(s);
  if (PLAIN_RE.test(s) && !s.includes("  ") && !YAML11_WORDS.has(s.toLowerCase())) return s;
  if (ISO_RE.test(s)) return `"${s}"`;
  if (HEX64_RE.test(s) && /[a-f]/.test(s.slice(0, 1)) && !/^[0-9a-f]*e[0-9]+$/.test(s)) return s;
  return stringify(s, YAML_OPTIONS).slice(0, -1);
}

export function fastCanonicalYaml(doc) {
  let out = "";
  for (const k of Object.keys(doc).sort()) {
    const v = doc[k];
    if (v === undefined) continue;
    if (v === null) out += `${k}: null\n`;
    else if (Array.isArray(v)) {
      if (v.length === 0) out += `${k}: []\n`;
      else {
        out += `${k}:\n`;
        for (const item of v) out += `  - ${scalar(item)}\n`;
      }
    } else if (typeof v === "object") {
      out += `${k}:\n`;
      for (const kk of Object.keys(v).sort()) out += `  ${kk}: ${scalar(v[kk])}\n`;
    } else out += `${k}: ${scalar(v)}\n`;
  }
  return out;
}

// ---- the history ----

function makeTask(c, index, time, ids, actor) {
  const batch = Math.floor(index / BATCH);
  const spec = `spec-${String(batch).padStart(3, "0")}`;
  const localId = `T${String((index % BATCH) + 1).padStart(3, "0")}`;
  const id = `${spec}.${localId}`;
  const area = c.pick(AREAS);
  const component = c.pick(COMPONENTS);
  const obj = c.pick(OBJECTS);
  const status = c.weighted(STATUSES);
  const deps = new Set();
  const nDeps = c.weighted([
    [0, 0.4],
    [1, 0.35],
    [2, 0.17],
    [3, 0.08],
  ]);
  for (let i = 0; i < nDeps && index > 0; i++) {
    // Mostly earlier tasks of the same spec, sometimes anything earlier.
    const sameSpecStart = batch * BATCH;
    const j = index > sameSpecStart && c.r() < 0.7 ? sameSpecStart + c.int(index - sameSpecStart) : c.int(index);
    deps.add(ids[j]);
  }
  const doc = {
    id,
    spec,
    localId,
    title: `${c.pick(VERBS)} ${obj} in the ${area} ${component}`,
    intent: `${c.pick(WHY)}${c.r() < 0.4 ? ` ${c.pick(HOW)}` : ""}`,
    status,
    priority: c.weighted(PRIORITIES),
    feature: c.r() < 0.8 ? `${spec}.F${String(1 + c.int(8)).padStart(3, "0")}` : null,
    parent: c.r() < 0.1 && index % BATCH > 0 ? ids[batch * BATCH + c.int(index % BATCH)] : null,
    acceptanceCriteria: c.some(CRITERIA, 1, 2).map((x) => x[0].toUpperCase() + x.slice(1)),
    verification: c.r() < 0.8 ? [`npm test -- ${area}/${component}`] : [`npm test -- ${area}/${component}`, "npm run typecheck"],
    scope: c.scope(area, component),
    nonGoals: c.r() < 0.3 ? [c.pick(NON_GOALS)] : [],
    dependencies: [...deps],
    requiredEvidence: c.r() < 0.4 ? [c.pick(EVIDENCE)] : [],
    manualSteps: c.r() < 0.15 ? [c.pick(MANUAL)] : [],
    contentHash: "",
    createdAt: iso(time),
    updatedAt: iso(time),
  };
  doc.contentHash = contentHashOf(doc);
  if (status !== "draft") doc.readiness = { by: c.pick(ACTORS), at: iso(time), contentHash: doc.contentHash };
  if (status === "cancelled") doc.cancelled = { reason: `Superseded by ${ids[c.int(Math.max(1, index))] ?? id}`, by: actor, at: iso(time) };
  return doc;
}

const NEXT_STATUS = {
  draft: ["ready"],
  ready: ["claimed", "cancelled"],
  claimed: ["in_progress", "ready"],
  in_progress: ["submitted", "blocked"],
  blocked: ["in_progress"],
  submitted: ["accepted", "in_progress"],
  accepted: ["done"],
  done: ["ready"],
  cancelled: ["draft"],
};

/** One heartbeat, edit or status change of an existing task; returns [op, subject]. */
function modifyTask(c, doc, time, actor) {
  const x = c.r();
  doc.updatedAt = iso(time);
  if (x < 0.5) return ["heartbeat", `heartbeat ${doc.id}`];
  if (x < 0.75) {
    const from = doc.status;
    const to = c.pick(NEXT_STATUS[from]);
    doc.status = to;
    if (to === "ready") doc.readiness = { by: actor, at: iso(time), contentHash: doc.contentHash };
    if (to === "cancelled") doc.cancelled = { reason: "No longer needed after the spec review", by: actor, at: iso(time) };
    else delete doc.cancelled;
    if (to === "draft") delete doc.readiness;
    return [to === "claimed" ? "claim" : to === "submitted" ? "submit" : "status", `${doc.id}: ${from} -> ${to}`];
  }
  // Edit: replace or add an acceptance criterion, or reword the intent; keeps documents 300-800 bytes.
  if (x < 0.9) {
    const crit = c.pick(CRITERIA);
    const text = crit[0].toUpperCase() + crit.slice(1);
    if (doc.acceptanceCriteria.length >= 3 || doc.acceptanceCriteria.includes(text)) doc.acceptanceCriteria = [...doc.acceptanceCriteria.slice(1)];
    if (!doc.acceptanceCriteria.includes(text)) doc.acceptanceCriteria = [...doc.acceptanceCriteria, text];
  } else {
    doc.intent = `${c.pick(WHY)}${c.r() < 0.4 ? ` ${c.pick(HOW)}` : ""}`;
  }
  doc.contentHash = contentHashOf(doc);
  if (doc.readiness) doc.readiness = { ...doc.readiness, contentHash: doc.contentHash };
  return ["edit", `edit ${doc.id}`];
}

/**
 * Writes the whole history as one fast-import stream. Every blob is the canonical YAML of
 * its document; paths are exactly taskPath(id) (tasks/<2 hex of sha1(id)>/<id>.yaml).
 */
export async function writeHistory(repo, env, lib, log) {
  const { taskPath, PLAN_PATH, DEFAULT_SETTINGS, FORMAT_VERSION, toCanonicalYaml, formatCommitMessage } = lib;
  const c = new Content(SEED);
  const fi = spawn("git", ["fast-import", "--quiet", "--date-format=raw", "--done"], {
    cwd: repo,
    env: { ...env, ...MALLOC_ENV },
    stdio: ["pipe", "inherit", "pipe"],
  });
  let stderr = "";
  fi.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => fi.on("close", resolve));

  let chunks = [];
  let pending = 0;
  const flush = async (force = false) => {
    if (!force && pending < 1 << 20) return;
    const buf = Buffer.from(chunks.join(""), "utf8");
    chunks = [];
    pending = 0;
    if (!fi.stdin.write(buf)) await new Promise((r) => fi.stdin.once("drain", r));
  };
  const emit = (s) => {
    chunks.push(s);
    pending += s.length;
  };
  const data = (text) => emit(`data ${Buffer.byteLength(text)}\n${text}\n`);

  let time = START_TIME;
  let commits = 0;
  const sampleChecks = { checked: 0 };
  const check = (doc, text) => {
    // The fast emitter must agree with the engine's own canonical form.
    if (text !== toCanonicalYaml(doc)) {
      throw new Error(`fixture YAML for ${doc.id} differs from toCanonicalYaml:\n${text}\n---\n${toCanonicalYaml(doc)}`);
    }
    sampleChecks.checked++;
  };
  const commit = (actor, subject, trailers, files) => {
    commits++;
    const ident = actor === null ? "Test User <test@example.com>" : `${actor} <${actor}@planref.invalid>`;
    emit(`commit refs/plan/state\nauthor ${ident} ${time} +0000\ncommitter Test User <test@example.com> ${time} +0000\n`);
    data(formatCommitMessage({ subject, trailers }));
    for (const [path, text] of files) {
      emit(`M 100644 inline ${path}\n`);
      data(text);
    }
    emit("\n");
  };

  // The project's own branch: planref state lives beside it, on its own ref.
  emit(`commit refs/heads/main\nauthor Test User <test@example.com> ${time} +0000\ncommitter Test User <test@example.com> ${time} +0000\n`);
  data("initial\n");
  emit("M 100644 inline README.md\n");
  data("# bench project\n");
  emit("\n");

  // 1: init
  const plan = {
    formatVersion: FORMAT_VERSION,
    project: { name: "bench" },
    createdAt: iso(time),
    createdBy: "alice",
    settings: DEFAULT_SETTINGS,
  };
  commit("alice", "init project bench", [["Planref-Op", "init"], ["Planref-Actor", "alice"]], [[PLAN_PATH, toCanonicalYaml(plan)]]);

  // 2..101: import the tasks, one spec of 100 per commit.
  const ids = [];
  const docs = [];
  const paths = [];
  const taskCommits = new Array(TASKS).fill(0);
  const sizes = [];
  for (let b = 0; b < TASKS / BATCH; b++) {
    time += 60;
    const actor = c.pick(ACTORS);
    const files = [];
    const trailers = [["Planref-Op", "import"], ["Planref-Actor", actor]];
    for (let k = 0; k < BATCH; k++) {
      const index = b * BATCH + k;
      const doc = makeTask(c, index, time, ids, actor);
      ids.push(doc.id);
      docs.push(doc);
      paths.push(taskPath(doc.id));
      const text = fastCanonicalYaml(doc);
      if (index % 41 === 0 || doc.cancelled || doc.parent) check(doc, text);
      sizes.push(text.length);
      files.push([paths[index], text]);
      trailers.push(["Planref-Task", doc.id]);
      taskCommits[index]++;
    }
    commit(actor, `import spec-${String(b).padStart(3, "0")}: ${BATCH} tasks`, trailers, files);
    await flush();
  }

  // The rest: one document per commit, heartbeats and edits, concentrated on a moving window of active tasks.
  const remaining = COMMITS - commits;
  for (let i = 0; i < remaining; i++) {
    time += 20 + c.int(20);
    const window = Math.floor((i / remaining) * (TASKS - 300));
    const index = c.r() < 0.6 ? c.int(TASKS) : window + c.int(300);
    const doc = docs[index];
    const actor = c.pick(ACTORS);
    const [op, subject] = modifyTask(c, doc, time, actor);
    const text = fastCanonicalYaml(doc);
    if (i % 997 === 0) check(doc, text);
    if (i % 50 === 0) sizes.push(text.length);
    taskCommits[index]++;
    commit(actor, subject, [["Planref-Op", op], ["Planref-Actor", actor], ["Planref-Task", doc.id]], [[paths[index], text]]);
    await flush();
    if (i > 0 && i % 25_000 === 0) log(`  ... ${commits} commits streamed`);
  }
  emit("done\n");
  await flush(true);
  fi.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import exited ${code}: ${stderr}`);

  // A task with a typical amount of history, for `log --task`.
  let probe = 0;
  for (let i = 0; i < TASKS; i++) if (Math.abs(taskCommits[i] - 12) < Math.abs(taskCommits[probe] - 12)) probe = i;
  sizes.sort((a, b) => a - b);
  return {
    commits,
    probeTask: ids[probe],
    probeTaskCommits: taskCommits[probe],
    hotTask: ids[taskCommits.indexOf(Math.max(...taskCommits))],
    yamlBytes: { min: sizes[0], median: sizes[sizes.length >> 1], max: sizes[sizes.length - 1] },
    canonicalChecks: sampleChecks.checked,
    sampleIds: [ids[0], ids[4321], ids[TASKS - 1]],
    allIds: ids,
  };
}

/** Writes every object of the tip state as a loose object, the way planref writes them. */
function explodeTip(repo, env, lib) {
  const gitDir = join(repo, ".git");
  const listing = gitText(["ls-tree", "-r", "-t", "refs/plan/state"], { cwd: repo, env });
  const oids = [gitText(["rev-parse", "refs/plan/state"], { cwd: repo, env }), gitText(["rev-parse", "refs/plan/state^{tree}"], { cwd: repo, env })];
  for (const line of listing.split("\n")) oids.push(line.split(/\s+/)[2]);
  const out = git(["cat-file", "--batch"], { cwd: repo, env, input: `${oids.join("\n")}\n` }).stdout;
  let pos = 0;
  let written = 0;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    const [, type, size] = out.subarray(pos, nl).toString("latin1").split(" ");
    const content = out.subarray(nl + 1, nl + 1 + Number(size));
    // Same bytes as planref's writeLooseObject (zlib level 1), written straight to the final path.
    const oid = lib.hashObject(type, content);
    const dir = join(gitDir, "objects", oid.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, oid.slice(2));
    if (!existsSync(file)) {
      writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`${type} ${size}\0`, "latin1"), content]), { level: 1 }), { mode: 0o444 });
      written++;
    }
    pos = nl + 1 + Number(size) + 1;
  }
  return written;
}

/** Decodes plan.yaml and every 25th task document at the tip with the current registry. */

/** Loads the tip through GitStore, cold, and demands a clean, complete state. */
async function spotCheck(repo, lib, manifest) {
  const store = new lib.GitStore({ location: lib.discoverRepository(repo, {}), registry: lib.createRegistry(), cacheKey: lib.SCHEMA_KEY, useDiskCache: false });
  try {
    const t0 = performance.now();
    const snap = await store.snapshot(undefined, { allowInvalid: true });
    const ms = performance.now() - t0;
    if (snap.issues.length > 0) throw new Error(`fixture ${repo} has ${snap.issues.length} issue(s): ${JSON.stringify(snap.issues.slice(0, 3))}`);
    const tasks = snap.paths("tasks/").length;
    if (!snap.get(lib.PLAN_PATH) || tasks !== TASKS) throw new Error(`fixture ${repo}: expected plan.yaml and ${TASKS} tasks, found ${tasks}`);
    for (const id of manifest.sampleIds) {
      const doc = snap.get(lib.taskPath(id));
      if (doc?.id !== id) throw new Error(`fixture ${repo}: ${id} is not at ${lib.taskPath(id)}`);
    }
    const shards = new Set(snap.paths("tasks/").map((p) => p.split("/")[1]));
    return { loadMs: Math.round(ms), documents: snap.size, shards: shards.size };
  } finally {
    await store.close();
  }
}

/**
 * Returns { dir, loose, packed, manifest }, building the fixtures unless a complete copy for
 * this FIXTURE_VERSION is already cached. `internals` is the path of the bundled store code.
 */
export async function ensureFixtures({ internals, log = console.log, rebuild = process.env.PLANREF_BENCH_REBUILD === "1" } = {}) {
  const dir = join(CACHE_ROOT, FIXTURE_VERSION);
  const manifestFile = join(dir, "manifest.json");
  if (!rebuild && existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    log(`fixtures: reusing ${dir} (built ${manifest.builtAt} in ${(manifest.timings.totalMs / 1000).toFixed(1)} s)`);
    if (manifest.sourceHash !== SOURCE_HASH) log("  warning: bench/fixtures.mjs changed since this build; bump GENERATOR or set PLANREF_BENCH_REBUILD=1 if the content changed");
    // The schemas may have moved on since the build: the documents must still be valid.
    const checked = sampleCheck(join(dir, "packed"), isolatedEnv(join(dir, "home")), await importFile(internals), "update the generator in bench/fixtures.mjs and bump GENERATOR.");
    log(`  ${checked} sampled documents still valid under the current schemas`);
    return { dir, loose: join(dir, "loose"), packed: join(dir, "packed"), home: join(dir, "home"), manifest, reused: true };
  }
  // Older fixture versions (and interrupted builds) are of no further use.
  if (existsSync(CACHE_ROOT)) for (const old of readdirSync(CACHE_ROOT)) rmSync(join(CACHE_ROOT, old), { recursive: true, force: true });
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const home = makeHome(join(building, "home"));
  const env = isolatedEnv(home);
  const lib = await importFile(internals);
  const timings = {};
  const t0 = performance.now();
  const lap = (name, since) => (timings[name] = Math.round(performance.now() - since));

  log(`fixtures: building ${TASKS} tasks / ${COMMITS} commits with git fast-import in ${dir}`);
  const loose = join(building, "loose");
  git(["init", "-q", loose], { env });
  git(["config", "gc.auto", "0"], { cwd: loose, env });
  let t = performance.now();
  const manifest = await writeHistory(loose, env, lib, log);
  lap("fastImportMs", t);
  log(`  fast-import: ${manifest.commits} commits in ${(timings.fastImportMs / 1000).toFixed(1)} s`);

  t = performance.now();
  manifest.looseObjects = explodeTip(loose, env, lib);
  lap("looseTipMs", t);
  log(`  loose tip objects: ${manifest.looseObjects} written in ${(timings.looseTipMs / 1000).toFixed(1)} s`);

  // Two cores: a full fsck of the loose copy runs while the packed copy is made and the tip is loaded.
  const genv = { ...env, ...MALLOC_ENV };
  const packed = join(building, "packed");
  const fsckDone = (async () => {
    const t1 = performance.now();
    await run("git", ["fsck", "--strict", "--no-progress", "--no-dangling"], { cwd: loose, env: genv });
    lap("fsckMs", t1);
  })();
  const gcDone = (async () => {
    const t1 = performance.now();
    await run("cp", ["-a", loose, packed], { env });
    await run("git", ["gc", "--prune=now", "--quiet"], { cwd: packed, env: genv });
    lap("gcMs", t1);
  })();
  t = performance.now();
  const tipLoose = gitText(["rev-parse", "refs/plan/state"], { cwd: loose, env });
  manifest.tip = tipLoose;
  manifest.spotCheck = await spotCheck(loose, lib, manifest);
  lap("spotCheckMs", t);
  log(`  spot-check: GitStore loaded ${manifest.spotCheck.documents} documents in ${manifest.spotCheck.shards} shards with 0 issues (${manifest.spotCheck.loadMs} ms cold, sharing 2 cores with fsck and gc)`);
  await gcDone;
  log(`  packed copy: cp + git gc --prune=now in ${(timings.gcMs / 1000).toFixed(1)} s`);
  await fsckDone;
  log(`  git fsck --strict (loose copy): ok in ${(timings.fsckMs / 1000).toFixed(1)} s`);
  const tipPacked = gitText(["rev-parse", "refs/plan/state"], { cwd: packed, env });
  const count = Number(gitText(["rev-list", "--count", "refs/plan/state"], { cwd: packed, env }));
  if (tipLoose !== tipPacked || count !== COMMITS) throw new Error(`fixture mismatch: tips ${tipLoose}/${tipPacked}, ${count} commits`);
  const tree = gitText(["ls-tree", "-r", "--name-only", "refs/plan/state"], { cwd: packed, env }).split("\n");
  const wanted = new Set([lib.PLAN_PATH, ...manifest.allIds.map((id) => lib.taskPath(id))]);
  if (tree.length !== wanted.size || tree.some((p) => !wanted.has(p))) throw new Error("fixture tree is not exactly plan.yaml + tasks/<shard>/<id>.yaml");
  delete manifest.allIds;

  const sizeOf = (repo) => {
    const out = gitText(["count-objects", "-v"], { cwd: repo, env });
    const get = (k) => Number(/^(\S+): (\d+)$/m.exec(out.split("\n").find((l) => l.startsWith(`${k}:`)) ?? "")?.[2] ?? 0);
    return { looseCount: get("count"), looseKiB: get("size"), packs: get("packs"), packKiB: get("size-pack") };
  };
  manifest.objects = { loose: sizeOf(loose), packed: sizeOf(packed) };
  timings.totalMs = Math.round(performance.now() - t0);
  manifest.timings = timings;
  manifest.builtAt = new Date().toISOString();
  manifest.version = FIXTURE_VERSION;
  manifest.sourceHash = SOURCE_HASH;
  writeFileSync(join(building, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(building, dir);
  log(`fixtures: built in ${(timings.totalMs / 1000).toFixed(1)} s (${dir})`);
  return { dir, loose: join(dir, "loose"), packed: join(dir, "packed"), home: join(dir, "home"), manifest, reused: false };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync } = await import("node:fs");
  const tmp = mkdtempSync(join(TMP, "planref-bench-lib-"));
  try {
    const internals = await buildInternals(tmp);
    const f = await ensureFixtures({ internals });
    console.log(JSON.stringify(f.manifest, null, 2));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
