// Fixtures built through planref itself (the CLI and the library in dist/), for the
// capability benchmarks of bench/capabilities.mjs. Cached beside the fast-import fixtures:
//
//   big   - 10,000 tasks made the way a team would: `planref init`, then five generated
//           2,000-task PRDs imported with `planref spec import --id bigN` and approved with
//           `planref spec review bigN --approve`; readiness approved (library reviewTask, one
//           commit each) for the first READY_PER_SPEC dependency-free tasks of every spec, so
//           500 tasks are ready and 9,500 stay draft.
//   small - fixtures/prd/invoice-export.md imported and approved, plus SMALL_EXTRA tasks added
//           with `planref task add --verify true --criterion x --scope "area<i>/**"`; readiness
//           approved for every task (45 ready, 42 of them claimable at once).
//
// Both have a `main` branch with one commit (claims can create task branches and worktrees)
// and a warm planref disk cache at their tip. The cache key includes the schema hash: a schema
// change rebuilds them; PLANREF_BENCH_REBUILD=1 forces it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_ROOT } from "./fixtures.mjs";
import { generatePrd } from "./prd.mjs";
import { ROOT, git, gitText, importFile, isolatedEnv, makeHome, sampleCheck } from "./support.mjs";

const REBUILD_HINT = "rebuild with PLANREF_BENCH_REBUILD=1.";

/** Bump when what is built changes. */
const GENERATOR = 1;
export const BIG_SPECS = 5;
export const SPEC_TASKS = 2000;
export const BIG_TASKS = BIG_SPECS * SPEC_TASKS;
export const READY_PER_SPEC = 100;
export const SMALL_EXTRA = 40;
const SOURCE_HASH = createHash("sha1")
  .update(readFileSync(new URL(import.meta.url)))
  .update(readFileSync(new URL("./prd.mjs", import.meta.url)))
  .digest("hex")
  .slice(0, 12);

function cliRun(bin, args, { cwd, env, input }) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, input, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"], timeout: 300_000 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  const text = r.stdout.toString("utf8");
  let out = null;
  try {
    out = JSON.parse(text);
  } catch {
    /* reported below */
  }
  if (r.status !== 0 || !out?.ok) throw new Error(`planref ${args.join(" ")} exited ${r.status}: ${text.slice(0, 1500)} ${r.stderr.toString().slice(0, 1500)}`);
  return { data: out.data, ms };
}

/** A git repository with one commit on main, as a project would have. */
function initRepo(dir, env, name) {
  git(["init", "-q", dir], { env });
  writeFileSync(join(dir, "README.md"), `# ${name}\n`);
  git(["add", "README.md"], { cwd: dir, env });
  git(["commit", "-q", "-m", "initial"], { cwd: dir, env });
}

async function buildBig(dir, { bin, lib, env, log }) {
  const timings = { importMs: [], reviewSpecMs: [] };
  initRepo(dir, env, "big");
  cliRun(bin, ["init", "--name", "big", "--json"], { cwd: dir, env });
  const ready = [];
  for (let n = 1; n <= BIG_SPECS; n++) {
    const prd = generatePrd({ tasks: SPEC_TASKS, seed: n, title: `Big plan ${n}` });
    const file = join(dir, "..", `big${n}.md`);
    writeFileSync(file, prd.text);
    const imp = cliRun(bin, ["spec", "import", file, "--id", `big${n}`, "--json"], { cwd: dir, env });
    if (imp.data.tasks.added.length !== SPEC_TASKS) throw new Error(`import big${n}: ${imp.data.tasks.added.length} tasks added`);
    timings.importMs.push(Math.round(imp.ms));
    const rev = cliRun(bin, ["spec", "review", `big${n}`, "--approve", "--json"], { cwd: dir, env });
    timings.reviewSpecMs.push(Math.round(rev.ms));
    log(`  big: spec big${n} imported in ${(imp.ms / 1000).toFixed(2)} s (${n * SPEC_TASKS} tasks now), approved in ${Math.round(rev.ms)} ms`);
    ready.push(...prd.tasks.filter((t) => t.dependencies.length === 0).slice(0, READY_PER_SPEC).map((t) => `big${n}.${t.id}`));
  }
  const { openProject } = await importFile(lib);
  const project = openProject({ cwd: dir, env, actor: "bench-reviewer" });
  const t0 = performance.now();
  try {
    for (const task of ready) await project.reviewTask({ task, verdict: "approve" });
  } finally {
    await project.close();
  }
  timings.readinessMs = Math.round(performance.now() - t0);
  log(`  big: readiness approved for ${ready.length} tasks through the library in ${(timings.readinessMs / 1000).toFixed(1)} s`);
  return { ready, timings };
}

async function buildSmall(dir, { bin, lib, env, log }) {
  const t0 = performance.now();
  initRepo(dir, env, "small");
  cliRun(bin, ["init", "--name", "small", "--json"], { cwd: dir, env });
  cliRun(bin, ["spec", "import", join(ROOT, "fixtures", "prd", "invoice-export.md"), "--json"], { cwd: dir, env });
  cliRun(bin, ["spec", "review", "invoice-export", "--approve", "--json"], { cwd: dir, env });
  const added = [];
  for (let i = 1; i <= SMALL_EXTRA; i++) {
    const r = cliRun(bin, ["task", "add", "--title", `Area ${i} work`, "--intent", `Benchmark task in area${i}.`, "--verify", "true", "--criterion", "x", "--scope", `area${i}/**`, "--json"], { cwd: dir, env });
    added.push(r.data.task.id);
  }
  const { openProject } = await importFile(lib);
  const project = openProject({ cwd: dir, env, actor: "bench-reviewer" });
  const ready = [];
  try {
    for (const t of ["T001", "T002", "T003", "T004", "T005"]) ready.push((await project.reviewTask({ task: `invoice-export.${t}`, verdict: "approve" })).task.id);
    for (const id of added) ready.push((await project.reviewTask({ task: id, verdict: "approve" })).task.id);
  } finally {
    await project.close();
  }
  log(`  small: invoice-export + ${SMALL_EXTRA} tasks added with planref task add, ${ready.length} readiness-approved, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { ready, areaTasks: added };
}

/** Decodes plan.yaml and every 25th document at the tip with the current registry. */

/**
 * Returns { dir, big, small, manifest, reused }. `bin`/`lib` are the planref build under test
 * (bin/planref, dist/lib.js); `internals` the bundled store code (for the schema key and the
 * validity check of a reused cache).
 */
export async function ensureCliFixtures({ bin, lib, internals, log = console.log, rebuild = false }) {
  const version = `cli-v${GENERATOR}-${internals.SCHEMA_KEY.slice(0, 12)}`;
  const dir = join(CACHE_ROOT, version);
  const manifestFile = join(dir, "manifest.json");
  if (!rebuild && existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    log(`CLI fixtures: reusing ${dir} (built ${manifest.builtAt} in ${(manifest.totalMs / 1000).toFixed(1)} s)`);
    if (manifest.sourceHash !== SOURCE_HASH) log("  warning: bench/cli-fixtures.mjs or bench/prd.mjs changed since this build; bump GENERATOR or set PLANREF_BENCH_REBUILD=1 if the content changed");
    const env = isolatedEnv(join(dir, "home"));
    const checked = sampleCheck(join(dir, "big"), env, internals, REBUILD_HINT) + sampleCheck(join(dir, "small"), env, internals, REBUILD_HINT);
    log(`  ${checked} sampled documents still valid under the current schemas`);
    return { dir, big: join(dir, "big"), small: join(dir, "small"), manifest, reused: true };
  }
  mkdirSync(CACHE_ROOT, { recursive: true });
  // Only this builder's own older versions and interrupted builds: the fast-import fixtures are not ours.
  for (const old of readdirSync(CACHE_ROOT)) if (old.startsWith("cli-")) rmSync(join(CACHE_ROOT, old), { recursive: true, force: true });
  const building = `${dir}.building-${process.pid}`;
  mkdirSync(building, { recursive: true });
  const env = isolatedEnv(makeHome(join(building, "home")));
  const t0 = performance.now();
  log(`CLI fixtures: building ${BIG_TASKS} tasks through planref spec import, and the small invoice-export repository, in ${dir}`);
  const opts = { bin, lib, env, log };
  const small = await buildSmall(join(building, "small"), opts);
  const big = await buildBig(join(building, "big"), opts);
  // Warm the disk cache at both tips (and check the counts): every copy then starts warm.
  for (const [name, repo, tasks] of [
    ["small", join(building, "small"), 5 + SMALL_EXTRA],
    ["big", join(building, "big"), BIG_TASKS],
  ]) {
    const st = cliRun(bin, ["status", "--json"], { cwd: repo, env });
    const want = name === "big" ? { total: tasks, ready: big.ready.length } : { total: tasks, ready: small.ready.length };
    if (st.data.tasks?.total !== want.total || st.data.tasks?.byStatus?.ready !== want.ready) throw new Error(`${name}: status says ${JSON.stringify(st.data.tasks)}, expected ${JSON.stringify(want)}`);
  }
  const manifest = {
    version,
    builtAt: new Date().toISOString(),
    sourceHash: SOURCE_HASH,
    totalMs: Math.round(performance.now() - t0),
    big: { tasks: BIG_TASKS, ready: big.ready, timings: big.timings, commits: Number(gitText(["rev-list", "--count", "refs/plan/state"], { cwd: join(building, "big"), env })) },
    small: { ready: small.ready, areaTasks: small.areaTasks, commits: Number(gitText(["rev-list", "--count", "refs/plan/state"], { cwd: join(building, "small"), env })) },
  };
  writeFileSync(join(building, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(building, dir);
  log(`CLI fixtures: built in ${(manifest.totalMs / 1000).toFixed(1)} s`);
  return { dir, big: join(dir, "big"), small: join(dir, "small"), manifest, reused: false };
}
