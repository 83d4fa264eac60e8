// planref benchmark: `npm run bench` (builds first; runs with --expose-gc).
//
// Builds (or reuses) the big fixtures with git fast-import, then measures the engine and the
// CLI on copies of them and prints one table. Baselines (`node -e 0`, native git plumbing)
// are measured in the same run, interleaved with the commands they are compared to, so the
// ratios hold even when the machine is busy. Results also go to bench/results/latest.json.
// Sections 1-6 measure the storage engine on the fast-import fixtures (bench/fixtures.mjs);
// sections 7-12 (bench/capabilities.mjs) measure the CLI as agents use it, on repositories
// built through planref itself (bench/cli-fixtures.mjs): spec import, next/waves, claims,
// 8 racing agents, hooks and `planref run`.
//
// Environment: PLANREF_BENCH_REBUILD=1 rebuilds the fixtures; PLANREF_BENCH_KEEP=1 keeps the
// run's temp directory; PLANREF_BENCH_STRICT=1 exits non-zero when a target is missed.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ensureFixtures, TASKS } from "./fixtures.mjs";
import { ensureCliFixtures } from "./cli-fixtures.mjs";
import { runCapabilities } from "./capabilities.mjs";
import { runBoard } from "./board.mjs";
import { runMcp } from "./mcp.mjs";
import { runSync } from "./sync.mjs";
import { BENCH_DIR, ROOT, buildInternals, fmtMs, fmtSec, git, gitText, importFile, isolatedEnv, makeHome, runTogether, summarize, timeSpawns, TMP, workCopier } from "./support.mjs";

const started = performance.now();
const keep = process.env.PLANREF_BENCH_KEEP === "1";
const rebuild = process.env.PLANREF_BENCH_REBUILD === "1";
const strict = process.env.PLANREF_BENCH_STRICT === "1";
const runRoot = mkdtempSync(join(TMP, "planref-bench-run-"));
const ENV = isolatedEnv(makeHome(join(runRoot, "home")));
// GitStore runs in this process too and spawns git with process.env: isolate it as well.
for (const k of Object.keys(process.env)) delete process.env[k];
Object.assign(process.env, ENV);
const gc = () => globalThis.gc?.();
const log = (s) => process.stderr.write(`${s}\n`);
const pressure = () => {
  try {
    return Number(/avg60=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"))?.[1]);
  } catch {
    return null;
  }
};
const machine = {
  cpus: cpus().length,
  node: process.version,
  git: gitText(["--version"], { env: ENV }),
  loadavgStart: loadavg().map((x) => +x.toFixed(2)),
  cpuPressureStart: pressure(),
};
log(`planref bench: ${machine.cpus} CPUs, node ${machine.node}, ${machine.git}, load ${machine.loadavgStart.join(" ")}`);

/** Child processes still running when the benchmark stops are killed (by their own handle). */
const live = new Set();
const workCopy = workCopier(runRoot);

const rows = [];
const details = {};
function row(name, samples, { target = null, targetText = "-", baseline = null, baselineName = "", pass, unit = "ms" } = {}) {
  const s = Array.isArray(samples) ? summarize(samples) : samples;
  const ratio = baseline ? s.median / baseline : null;
  let verdict = "info";
  if (pass !== undefined) verdict = pass ? "pass" : "FAIL";
  else if (target) verdict = target(s, ratio) ? "pass" : "FAIL";
  const r = { name, n: s.n, median: s.median, p90: s.p90, unit, target: targetText, ratio, baselineName, verdict };
  rows.push(r);
  const shown = unit === "ms" ? `${fmtMs(s.median)} (p90 ${fmtMs(s.p90)})` : `${s.median} ${unit}`;
  log(`  ${name}: ${shown}${ratio ? `, ${ratio.toFixed(2)}x ${baselineName}` : ""} -> ${verdict}`);
  return r;
}

try {
  // ---- setup ----
  // Measure exactly the build `npm run bench` just made: other processes in this workspace may
  // rebuild dist/ while the benchmark runs. dist/ is self-contained (dependencies are bundled).
  const pkg = join(runRoot, "pkg");
  mkdirSync(pkg, { recursive: true });
  for (const d of ["bin", "dist"]) {
    const r = spawnSync("cp", ["-a", join(ROOT, d), join(pkg, d)], { stdio: "pipe" });
    if (r.status !== 0) throw new Error(`cannot copy ${d}/: ${r.stderr}`);
  }
  const BIN = join(pkg, "bin", "planref");
  const LIB = join(pkg, "dist", "lib.js");
  let t = performance.now();
  const internals = await buildInternals(join(runRoot, "lib"));
  const lib = await importFile(internals);
  log(`bundled store internals from src in ${fmtMs(performance.now() - t)}`);
  t = performance.now();
  const fx = await ensureFixtures({ internals, log, rebuild });
  const fixtureMs = performance.now() - t;
  const m = fx.manifest;
  const fixtures = { loose: fx.loose, packed: fx.packed };
  // Repositories built through planref itself (spec import, reviews), for sections 7-12.
  t = performance.now();
  const cliFx = await ensureCliFixtures({ bin: BIN, lib: LIB, internals: lib, log, rebuild });
  const cliFixtureMs = performance.now() - t;

  const node = (args) => [process.execPath, args];
  const cli = (args) => [process.execPath, [BIN, ...args]];
  const spawnOpts = (cwd) => ({ cwd, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
  const json = (r) => JSON.parse(r.stdout.toString("utf8"));

  // ---- 1. process start-up: node -e 0, planref --version and warm status, interleaved ----
  log("\n[1/12] start-up: node -e 0, planref --version, planref status --json (warm disk cache)");
  const warm = { loose: workCopy(fixtures.loose, "status-warm-loose"), packed: workCopy(fixtures.packed, "status-warm-packed") };
  const firstStatus = {};
  for (const [name, dir] of Object.entries(warm)) {
    // The first run loads cold and writes <commondir>/planref/cache; every later run reads it.
    const [cmd, args] = cli(["status", "--json"]);
    const [ms] = timeSpawns(1, cmd, args, spawnOpts(dir), {
      check: (r) => {
        const out = json(r);
        if (!out.ok || out.data.documents !== TASKS + 1) throw new Error(`status on ${name}: ${r.stdout}`);
      },
    });
    firstStatus[name] = [ms];
  }
  for (let i = 0; i < 3; i++) timeSpawns(1, ...node(["-e", "0"]), spawnOpts(runRoot)); // warm the page cache
  const ROUNDS = 20;
  const samples = { node: [], version: [], warmLoose: [], warmPacked: [] };
  for (let i = 0; i < ROUNDS; i++) {
    samples.node.push(...timeSpawns(1, ...node(["-e", "0"]), spawnOpts(runRoot)));
    samples.version.push(
      ...timeSpawns(1, ...cli(["--version"]), spawnOpts(runRoot), {
        check: (r) => {
          if (!/^\d+\.\d+\.\d+/.test(r.stdout.toString())) throw new Error(`--version printed ${r.stdout}`);
        },
      }),
    );
    if (i < 15) {
      for (const [name, dir] of Object.entries(warm)) {
        const out = name === "loose" ? samples.warmLoose : samples.warmPacked;
        out.push(
          ...timeSpawns(1, ...cli(["status", "--json"]), spawnOpts(dir), {
            check: (r) => {
              if (!json(r).ok) throw new Error(`status: ${r.stdout}`);
            },
          }),
        );
      }
    }
  }
  const nodeBase = summarize(samples.node).median;
  row("baseline: node -e 0", samples.node);

  // ---- 2. native git plumbing baselines ----
  log("\n[2/12] native git baselines");
  const plumb = workCopy(fixtures.loose, "plumbing");
  const g = (args) => gitText(args, { cwd: plumb, env: ENV });
  const revParse = timeSpawns(20, "git", ["rev-parse", "refs/plan/state"], spawnOpts(plumb));
  row("baseline: git rev-parse refs/plan/state", revParse);
  const tip0 = g(["rev-parse", "refs/plan/state"]);
  const parent0 = g(["rev-parse", "refs/plan/state~1"]);
  g(["update-ref", "refs/bench/probe", tip0]);
  const updateRef = [];
  for (let i = 0; i < 20; i++) {
    const [next, prev] = i % 2 === 0 ? [parent0, tip0] : [tip0, parent0];
    updateRef.push(...timeSpawns(1, "git", ["update-ref", "refs/bench/probe", next, prev], spawnOpts(plumb)));
  }
  row("baseline: git update-ref (CAS)", updateRef);
  // The same one-document commit the engine makes, through plumbing: 9 git processes.
  const taskIds = [];
  for (const p of gitText(["ls-tree", "-r", "--name-only", "refs/plan/state", "tasks/"], { cwd: plumb, env: ENV }).split("\n")) {
    taskIds.push(p.slice(p.lastIndexOf("/") + 1, -".yaml".length));
  }
  const pickTask = (i) => taskIds[(i * 7919) % taskIds.length];
  /** One heartbeat on one task document, the way the engine does it, through git plumbing (11 spawns). */
  function plumbCommit(dir, i) {
    const gd = (args, input) => gitText(args, { cwd: dir, env: ENV, input });
    const id = pickTask(i);
    const path = lib.taskPath(id);
    const [, shard, file] = path.split("/");
    const tip = gd(["rev-parse", "refs/plan/state"]);
    const text = gd(["cat-file", "blob", `${tip}:${path}`]).replace(/^updatedAt: .*$/m, `updatedAt: "${new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString()}"`);
    const blob = gd(["hash-object", "-w", "--stdin"], `${text}\n`);
    const swap = (listing, name, oid) => `${listing.split("\n").map((l) => (l.endsWith(`\t${name}`) ? l.replace(/ [0-9a-f]{40}\t/, ` ${oid}\t`) : l)).join("\n")}\n`;
    const shardTree = gd(["mktree"], swap(gd(["ls-tree", `${tip}:tasks/${shard}`]), file, blob));
    const tasksTree = gd(["mktree"], swap(gd(["ls-tree", `${tip}:tasks`]), shard, shardTree));
    const rootTree = gd(["mktree"], swap(gd(["ls-tree", tip]), "tasks", tasksTree));
    const commit = gd(["commit-tree", rootTree, "-p", tip, "-m", `heartbeat ${id}\n\nPlanref-Op: heartbeat\nPlanref-Actor: bench\nPlanref-Task: ${id}`]);
    gd(["update-ref", "refs/plan/state", commit, tip]);
    return commit;
  }
  const plumbing = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    plumbCommit(plumb, i);
    plumbing.push(performance.now() - t0);
  }
  // The plumbing commits must be what the engine would accept: same tree size, documents that decode.
  const registry = lib.createRegistry();
  const tipAfter = g(["rev-parse", "refs/plan/state"]);
  if (g(["ls-tree", "-r", "--name-only", tipAfter]).split("\n").length !== TASKS + 1) throw new Error("plumbing baseline changed the number of documents");
  for (let i = 0; i < 15; i++) {
    const path = lib.taskPath(pickTask(i));
    const decoded = registry.decode(path, git(["cat-file", "blob", `${tipAfter}:${path}`], { cwd: plumb, env: ENV }).stdout, tipAfter);
    if ("issues" in decoded) throw new Error(`plumbing baseline wrote an invalid ${path}: ${JSON.stringify(decoded.issues[0])}`);
  }
  const plumbBase = summarize(plumbing).median;
  row("baseline: one-doc commit via git plumbing (11 spawns)", plumbing);
  gc();

  // ---- 3. in-process transactions ----
  log("\n[3/12] in-process GitStore.transact, one task document, 10,000 tasks / 100,000 commits");
  const TXNS = 200;
  details.transact = {};
  const txnRows = {};
  for (const name of Object.keys(fixtures)) {
    // A copy of the status copy: its disk cache (written by step 1) warms the store in
    // well under a second instead of a full cold load; the cold load is measured in step 4.
    const dir = workCopy(warm[name], `txn-${name}`);
    const store = new lib.GitStore({ location: lib.discoverRepository(dir, ENV), registry: lib.createRegistry(), cacheKey: lib.SCHEMA_KEY });
    let t0 = performance.now();
    const snap = await store.snapshot();
    const warmLoadMs = performance.now() - t0;
    const paths = snap.paths("tasks/");
    const before = snap.commit;
    const lat = [];
    let attempts = 0;
    let last = null;
    const base = Date.UTC(2025, 1, 1);
    let cpu0 = null;
    for (let i = 0; i < TXNS + 10; i++) {
      if (i === 10) {
        gc();
        cpu0 = process.cpuUsage();
      }
      const path = paths[(i * 104_729) % paths.length];
      t0 = performance.now();
      const res = await store.transact((s) => {
        const doc = s.get(path);
        const now = new Date(base + i * 1000);
        return {
          changes: [{ path, value: { ...doc, updatedAt: now.toISOString() } }],
          commit: {
            subject: `heartbeat ${doc.id}`,
            trailers: [
              ["Planref-Op", "heartbeat"],
              ["Planref-Actor", "bench"],
              ["Planref-Task", doc.id],
            ],
            author: { name: "bench", email: "bench@planref.invalid" },
            time: now,
          },
          result: null,
        };
      });
      if (i >= 10) lat.push(performance.now() - t0);
      attempts += res.attempts;
      last = res.commit;
    }
    // CPU time (all threads, GC included) is less sensitive than wall time to a busy machine.
    const cpu = process.cpuUsage(cpu0);
    const cpuPerTxnMs = (cpu.user + cpu.system) / 1000 / TXNS;
    const t1 = performance.now();
    await store.close();
    const closeMs = performance.now() - t1;
    const tip = gitText(["rev-parse", "refs/plan/state"], { cwd: dir, env: ENV });
    const added = Number(gitText(["rev-list", "--count", "refs/plan/state", `^${before}`], { cwd: dir, env: ENV }));
    if (tip !== last || added !== TXNS + 10 || attempts !== TXNS + 10) throw new Error(`transactions on ${name}: tip ${tip} vs ${last}, ${added} commits, ${attempts} attempts`);
    details.transact[name] = {
      loadFromDiskCacheMs: Math.round(warmLoadMs),
      closeWithCacheWriteMs: Math.round(closeMs),
      n: TXNS,
      warmup: 10,
      cpuPerTxnMs: +cpuPerTxnMs.toFixed(2),
      sysPerTxnMs: +(cpu.system / 1000 / TXNS).toFixed(2),
    };
    log(`  ${name}: ${snap.size} documents loaded from the disk cache in ${fmtMs(warmLoadMs)}; close() rewrote the cache in ${fmtMs(closeMs)}; CPU ${fmtMs(cpuPerTxnMs)} per transaction`);
    txnRows[name] = row(`transact 1 doc, warm in-process (${name})`, lat, {
      targetText: "<= 10 ms",
      target: (s) => s.median <= 10,
      baseline: plumbBase,
      baselineName: "plumbing commit",
    });
    gc();
  }

  // ---- 4. CLI: start-up rows (measured in step 1), cold status, log ----
  log("\n[4/12] CLI commands");
  row("planref --version", samples.version, { targetText: "<= 1.8x node", target: (_s, r) => r <= 1.8, baseline: nodeBase, baselineName: "node -e 0" });
  for (const name of ["loose", "packed"]) {
    row(`planref status --json, warm cache (${name})`, name === "loose" ? samples.warmLoose : samples.warmPacked, {
      targetText: "<= 2.5x node",
      target: (_s, r) => r <= 2.5,
      baseline: nodeBase,
      baselineName: "node -e 0",
    });
  }
  // The common case for agents: someone committed since the cache was written. The stale cache
  // is the base the new tip is diffed against, so only the changed document is parsed.
  for (const [name, src] of Object.entries(warm)) {
    const dir = workCopy(src, `status-moved-${name}`);
    const moved = timeSpawns(8, ...cli(["status", "--json"]), spawnOpts(dir), {
      before: (i) => plumbCommit(dir, 100 + i),
      check: (r) => {
        if (json(r).data?.documents !== TASKS + 1) throw new Error(`status after a commit: ${r.stdout}`);
      },
    });
    row(`planref status --json, tip moved 1 commit past cache (${name})`, moved, { baseline: nodeBase, baselineName: "node -e 0" });
  }

  // Cold: no disk cache, so the run reads and validates every document, then writes the cache.
  // The first run of step 1 was exactly that; two more runs each.
  for (const [name, src] of Object.entries(fixtures)) {
    const dir = workCopy(src, `status-cold-${name}`);
    const cache = join(dir, ".git", "planref", "cache");
    const cold = firstStatus[name].concat(timeSpawns(2, ...cli(["status", "--json"]), spawnOpts(dir), {
      before: () => rmSync(cache, { recursive: true, force: true }),
      check: (r) => {
        if (json(r).data?.documents !== TASKS + 1) throw new Error(`cold status: ${r.stdout}`);
      },
    }));
    row(`planref status --json, cold (${name})`, cold, { baseline: nodeBase, baselineName: "node -e 0" });
  }

  const fmt = "--format=%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B";
  for (const [name, src] of Object.entries(fixtures)) {
    const dir = workCopy(src, `log-${name}`);
    const nat = [];
    const ours = [];
    for (let i = 0; i < 10; i++) {
      nat.push(...timeSpawns(1, "git", ["log", "--first-parent", fmt, "-n20", "refs/plan/state", "--"], spawnOpts(dir)));
      ours.push(
        ...timeSpawns(1, ...cli(["log", "--limit", "20", "--json"]), spawnOpts(dir), {
          check: (r) => {
            if (json(r).data?.entries?.length !== 20) throw new Error(`log --limit 20: ${r.stdout.slice(0, 500)}`);
          },
        }),
      );
    }
    row(`baseline: git log -n20 (${name})`, nat);
    row(`planref log --limit 20 --json (${name})`, ours, { baseline: summarize(nat).median, baselineName: "git log -n20" });
  }
  for (const [name, src] of Object.entries(fixtures)) {
    const dir = workCopy(src, `logtask-${name}`);
    const nat = [];
    const ours = [];
    const grep = `--grep=^Planref-Task: ${m.probeTask.replace(/\./g, "\\.")}$`;
    for (let i = 0; i < 3; i++) {
      nat.push(...timeSpawns(1, "git", ["log", "--first-parent", fmt, "--all-match", "-E", grep, "refs/plan/state", "--"], spawnOpts(dir)));
      ours.push(
        ...timeSpawns(1, ...cli(["log", "--task", m.probeTask, "--json"]), spawnOpts(dir), {
          check: (r) => {
            const n = json(r).data?.entries?.length;
            if (n !== m.probeTaskCommits) throw new Error(`log --task ${m.probeTask}: ${n} entries, expected ${m.probeTaskCommits}`);
          },
        }),
      );
    }
    row(`baseline: git log --grep over history (${name})`, nat);
    row(`planref log --task <id> --json (${name})`, ours, { baseline: summarize(nat).median, baselineName: "git log --grep" });
  }
  gc();

  // ---- 5. concurrent writers ----
  log("\n[5/12] 8 processes x 100 writes, fresh small repository");
  const WRITERS = 8;
  const WRITES = 100;
  const small = join(runRoot, "small");
  git(["init", "-q", small], { env: ENV });
  {
    const store = new lib.GitStore({ location: lib.discoverRepository(small, ENV), registry: lib.createRegistry(), cacheKey: lib.SCHEMA_KEY, useDiskCache: false });
    const now = new Date();
    const task = (k) => {
      const id = `bench.w${k}`;
      return {
        id,
        spec: null,
        localId: `w${k}`,
        title: `Writer ${k} heartbeat log`,
        intent: "Concurrency benchmark document.",
        status: "in_progress",
        priority: "medium",
        feature: null,
        parent: null,
        acceptanceCriteria: [],
        verification: [],
        scope: [`bench/w${k}/**`],
        nonGoals: [],
        dependencies: [],
        requiredEvidence: [],
        manualSteps: [],
        contentHash: "0".repeat(64),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
    };
    const plan = { formatVersion: lib.FORMAT_VERSION, project: { name: "small" }, createdAt: now.toISOString(), createdBy: "bench", settings: lib.DEFAULT_SETTINGS };
    await store.transact(() => ({
      changes: [{ path: lib.PLAN_PATH, value: plan }, ...Array.from({ length: WRITERS }, (_, k) => ({ path: lib.taskPath(`bench.w${k}`), value: task(k) }))],
      commit: { subject: "init", trailers: [["Planref-Op", "init"], ["Planref-Actor", "bench"]], author: { name: "bench", email: "bench@planref.invalid" }, time: now },
      result: null,
    }));
    await store.close();
  }
  const spawnedAt = performance.now();
  const { results, wallMs } = await runTogether(
    WRITERS,
    (k) => spawn(process.execPath, [join(BENCH_DIR, "writer.mjs"), internals, small, String(k), String(WRITES)], { cwd: small, env: ENV, stdio: ["pipe", "pipe", "pipe"] }),
    { live, label: "writer" },
  );
  const withStartMs = performance.now() - spawnedAt;
  const chain = Number(gitText(["rev-list", "--count", "--first-parent", "refs/plan/state"], { cwd: small, env: ENV })) - 1;
  const finalStore = new lib.GitStore({ location: lib.discoverRepository(small, ENV), registry: lib.createRegistry(), useDiskCache: false });
  const finalSnap = await finalStore.snapshot();
  await finalStore.close();
  let lines = 0;
  for (let k = 0; k < WRITERS; k++) lines += finalSnap.get(lib.taskPath(`bench.w${k}`)).acceptanceCriteria.length;
  const fsck = git(["fsck", "--strict", "--no-progress"], { cwd: small, env: ENV, allowFailure: true });
  const attempts = results.reduce((a, r) => a + r.attempts, 0);
  const refused = results.reduce((a, r) => a + r.refused, 0);
  // Lost: a write reported as committed whose commit or document line is not in the final state.
  const lost = WRITERS * WRITES - refused - Math.min(chain, lines);
  const perWrite = summarize(results.flatMap((r) => r.latencies));
  details.concurrency = {
    writers: WRITERS,
    writesEach: WRITES,
    wallMs: Math.round(wallMs),
    wallWithStartupMs: Math.round(withStartMs),
    commitsPerSec: +((WRITERS * WRITES) / (wallMs / 1000)).toFixed(1),
    chainCommits: chain,
    documentLines: lines,
    lost,
    refused,
    refusedErrors: results.flatMap((r) => r.errors).slice(0, 3),
    attempts,
    retries: attempts - (WRITERS * WRITES - refused),
    perWriteMedianMs: +perWrite.median.toFixed(2),
    perWriteP90Ms: +perWrite.p90.toFixed(2),
    fsck: fsck.status === 0 ? "ok" : `${fsck.stdout}${fsck.stderr}`.trim().slice(0, 500),
  };
  row("8 procs x 100 writes: total wall time", { n: 1, median: wallMs, p90: wallMs }, {
    targetText: "0 lost",
    pass: lost === 0 && chain === WRITERS * WRITES && lines === WRITERS * WRITES && fsck.status === 0,
  });
  log(`  ${details.concurrency.commitsPerSec} commits/s, ${chain} commits on the chain, ${lines} lines in documents, ${lost} lost, ${refused} refused${refused ? ` (${details.concurrency.refusedErrors[0]})` : ""}, ${details.concurrency.retries} CAS retries, per write median ${fmtMs(perWrite.median)} p90 ${fmtMs(perWrite.p90)}, fsck ${details.concurrency.fsck}`);
  gc();

  // ---- 6. peak memory ----
  log("\n[6/12] peak RSS, one process loading 10,000 tasks");
  details.rss = {};
  for (const [name, mode, src] of [
    ["loose", "cold", fixtures.loose],
    ["packed", "cold", fixtures.packed],
    ["packed", "warm", warm.packed],
  ]) {
    const dir = mode === "warm" ? src : workCopy(src, `rss-${name}`);
    const r = spawnSync(process.execPath, [join(BENCH_DIR, "rss.mjs"), LIB, dir, mode], { cwd: dir, env: ENV, maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`rss child: ${r.stderr}`);
    const out = JSON.parse(r.stdout.toString());
    if (out.documents !== TASKS + 1) throw new Error(`rss child saw ${out.documents} documents`);
    const mb = Math.max(out.maxRssKiB, out.vmHwmKiB || 0) / 1024;
    details.rss[`${name}-${mode}`] = { peakMiB: +mb.toFixed(1), loadMs: Math.round(out.ms) };
    row(`peak RSS, status ${mode === "cold" ? "cold" : "from disk cache"} (${name})`, { n: 1, median: +mb.toFixed(0), p90: +mb.toFixed(0) }, {
      unit: "MiB",
      targetText: mode === "cold" ? "<= 200 MiB" : "-",
      ...(mode === "cold" ? { pass: mb <= 200 } : {}),
    });
  }

  // ---- 7-12. capabilities: the CLI as agents use it (bench/capabilities.mjs) ----
  const firstCapRow = rows.length;
  const cap = await runCapabilities({ BIN, ENV, runRoot, cliFx, row, workCopy, log, details, live, gc, total: 12 });
  // The pooled node -e 0 samples of sections 7-12 head their rows (each row's ratio uses its own section's samples).
  row("baseline: node -e 0, pooled from sections 7-12", cap.nodeAll);
  rows.splice(firstCapRow, 0, rows.pop());
  await runBoard({ BIN, ENV, runRoot, row, log, details, live, section: 13 });
  await runSync({ BIN, ENV, runRoot, row, log, details, section: 14 });
  await runMcp({ BIN, ENV, runRoot, cliFx, row, workCopy, log, details, live, section: 15 });

  // ---- table ----
  const totalMs = performance.now() - started;
  machine.loadavgEnd = loadavg().map((x) => +x.toFixed(2));
  machine.cpuPressureEnd = pressure();
  const header = ["name", "median", "p90", "target", "ratio vs baseline", "pass/fail"];
  const cells = rows.map((r) => [
    r.name,
    r.unit === "ms" ? fmtMs(r.median) : `${r.median} ${r.unit}`,
    r.n > 1 ? (r.unit === "ms" ? fmtMs(r.p90) : `${r.p90} ${r.unit}`) : "-",
    r.target,
    r.ratio ? `${r.ratio.toFixed(2)}x ${r.baselineName}` : "-",
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(" | ")} |`;
  const out = [
    "",
    `planref bench - ${TASKS} tasks, ${m.commits} commits; fixtures ${fx.reused ? "reused" : `built in ${fmtSec(fixtureMs)}`} (${fx.dir})`,
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...cells.map(line),
    "",
    `8 x 100 writes: ${details.concurrency.commitsPerSec} commits/s, wall ${fmtMs(details.concurrency.wallMs)} (${fmtMs(details.concurrency.wallWithStartupMs)} with process start-up), final count ${details.concurrency.chainCommits}/800, lost ${details.concurrency.lost}, refused ${details.concurrency.refused}, CAS retries ${details.concurrency.retries}, per write (incl. retries) median ${fmtMs(details.concurrency.perWriteMedianMs)} p90 ${fmtMs(details.concurrency.perWriteP90Ms)}`,
    ...cap.footer,
    `CLI fixtures (10k tasks via 5 x spec import + 500 readiness reviews; small: invoice-export + 40 task add): ${cliFx.reused ? "reused" : `built in ${fmtSec(cliFixtureMs)}`} (${cliFx.dir})`,
    `transact CPU time per transaction (user+sys, all threads): loose ${fmtMs(details.transact.loose.cpuPerTxnMs)}, packed ${fmtMs(details.transact.packed.cpuPerTxnMs)}`,
    `peak RSS: ${Object.entries(details.rss).map(([k, v]) => `${k} ${v.peakMiB} MiB (${fmtMs(v.loadMs)})`).join(", ")}`,
    `machine: ${machine.cpus} CPUs, load ${machine.loadavgStart.join("/")} -> ${machine.loadavgEnd.join("/")}, cpu pressure avg60 ${machine.cpuPressureStart} -> ${machine.cpuPressureEnd}; bench took ${fmtSec(totalMs)}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);

  const round = (x) => (typeof x === "number" ? +x.toFixed(2) : x);
  const results2 = {
    date: new Date().toISOString(),
    machine,
    benchSeconds: +(totalMs / 1000).toFixed(1),
    fixture: {
      version: m.version,
      tasks: TASKS,
      commits: m.commits,
      reused: fx.reused,
      buildSeconds: +(m.timings.totalMs / 1000).toFixed(1),
      buildTimingsMs: m.timings,
      yamlBytes: m.yamlBytes,
      packKiB: m.objects.packed.packKiB,
      looseTipObjects: m.looseObjects,
    },
    cliFixture: {
      version: cliFx.manifest.version,
      reused: cliFx.reused,
      buildSeconds: +(cliFx.manifest.totalMs / 1000).toFixed(1),
      big: { tasks: cliFx.manifest.big.tasks, ready: cliFx.manifest.big.ready.length, commits: cliFx.manifest.big.commits, timingsMs: cliFx.manifest.big.timings },
      small: { ready: cliFx.manifest.small.ready.length, commits: cliFx.manifest.small.commits },
    },
    rows: rows.map((r) => ({ name: r.name, n: r.n, median: round(r.median), p90: round(r.p90), unit: r.unit, target: r.target, ratio: round(r.ratio), baseline: r.baselineName || null, result: r.verdict })),
    details,
  };
  mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
  writeFileSync(join(BENCH_DIR, "results", "latest.json"), `${JSON.stringify(results2, null, 1)}\n`);
  log(`\nwrote bench/results/latest.json`);
  // A missed target is a finding, not a broken benchmark; PLANREF_BENCH_STRICT=1 makes it fail the run.
  if (strict && rows.some((r) => r.verdict === "FAIL")) process.exitCode = 1;
} catch (e) {
  process.exitCode = 1;
  log(`\nbench failed: ${e.stack ?? e}`);
} finally {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  if (keep || process.exitCode) log(`kept ${runRoot}`);
  else {
    try {
      rmSync(runRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (e) {
      log(`could not remove ${runRoot}: ${e.message}`);
    }
  }
}
