// Sync through a git remote (a bare repository by path), with the built binary:
//
//   convergence   two clones of one remote each do 200 operations offline (claims,
//                 heartbeats, evidence; 5 of each side's 10 claimed tasks are claimed on both
//                 sides), then `planref sync` in A, in B, in A: wall time from the first sync's
//                 start until both clones and the remote hold one tip, with the number of
//                 operations B replayed onto A's state and the number that became conflicts.
//   team claims   `planref claim` in team mode (the claim is pushed before it counts) against
//                 a local bare remote, one task after another; the same after another clone
//                 moved the remote (the claim is replayed onto its tip); next to solo-mode
//                 `planref claim` and a native `git push` of the state ref, interleaved in the
//                 same rounds so the ratios hold on a busy machine.
//
// Building the 400 operations goes through the library (dist/lib.js) in-process and is setup,
// not measured. Called by bench/run.mjs (one section); `node bench/sync-run.mjs` runs it alone.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { git, gitText, importFile, summarize } from "./support.mjs";

const OPS = 200;
/** Tasks each clone claims; the last CONTESTED of A's are the first of B's. */
const CLAIMS = 10;
const CONTESTED = 5;
const TEAM_CLAIMS = 10;
const TIMEOUT = 180_000;

/**
 * `planref <args> --json` in `dir`: wall time, and the CPU time (user + sys) of planref and
 * the git processes it ran, from bash's `time` (on a loaded machine the wall time mostly
 * measures the other processes; the CPU time is what the sync itself costs).
 */
function cli(BIN, ENV, dir, args, actor) {
  const cpuFile = join(dir, "..", ".planref-bench-cpu");
  const script = 'TIMEFORMAT="%3U %3S"; { time "$@" 2>&3; } 3>&2 2>"$PLANREF_BENCH_CPU"';
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", script, "bash", process.execPath, BIN, ...args, "--json"], {
    cwd: dir,
    env: { ...ENV, PLANREF_ACTOR: actor, PLANREF_BENCH_CPU: cpuFile },
    maxBuffer: 1 << 30,
    timeout: TIMEOUT,
  });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  const out = JSON.parse(r.stdout.toString("utf8") || "null");
  if (r.status !== 0 || !out?.ok) throw new Error(`planref ${args.join(" ")} exited ${r.status}: ${r.stdout.toString().slice(0, 1000)} ${r.stderr.toString().slice(0, 1000)}`);
  const [user, sys] = readFileSync(cpuFile, "utf8").trim().split(/\s+/).map(Number);
  return { ms, cpuMs: Math.round((user + sys) * 1000), data: out.data };
}

function timedGit(args, opts) {
  const t0 = performance.now();
  git(args, opts);
  return performance.now() - t0;
}

/**
 * A bare remote and `clones` clones of it. Clone 0 creates the state with `tasks` ready tasks
 * of disjoint scopes (through the library) and syncs it; the others adopt it with `planref init`.
 */
async function makeWorld({ BIN, ENV, lib, root, clones, tasks, team = false }) {
  const bare = join(root, "remote.git");
  git(["init", "-q", "--bare", bare], { env: ENV });
  const dirs = [];
  for (let i = 0; i < clones; i++) {
    const dir = join(root, `clone${i}`);
    git(["clone", "-q", bare, dir], { env: ENV });
    dirs.push(dir);
  }
  const seed = dirs[0];
  writeFileSync(join(seed, "README.md"), "# sync bench\n");
  git(["add", "README.md"], { cwd: seed, env: ENV });
  git(["commit", "-q", "-m", "initial"], { cwd: seed, env: ENV });
  git(["push", "-q", "origin", "HEAD"], { cwd: seed, env: ENV });
  const p = lib.openProject({ cwd: seed, env: ENV, actor: "bench-lead" });
  const ids = [];
  try {
    await p.init({ name: "sync-bench" });
    for (let k = 0; k < tasks; k++) {
      const t = await p.addTask({ title: `module ${k}`, intent: `build module ${k}`, acceptanceCriteria: [`module ${k} works`], verification: ["true"], scope: [`src/m${k}/**`] });
      await p.reviewTask({ task: t.task.id, verdict: "approve" });
      ids.push(t.task.id);
    }
    if (team) await p.setConfig({ key: "sync.mode", value: "team" });
    await p.sync();
  } finally {
    await p.close();
  }
  for (const dir of dirs.slice(1)) {
    git(["pull", "-q", "origin", "main"], { cwd: dir, env: ENV });
    cli(BIN, ENV, dir, ["init"], "bench-lead");
  }
  return { bare, dirs, ids };
}

/** `ops` operations as `actor` in `dir`: claims of `tasks`, then heartbeats and evidence on them in turn. */
async function offlineWork(lib, ENV, dir, actor, tasks, ops) {
  const p = lib.openProject({ cwd: dir, env: ENV, actor });
  const commits = [];
  try {
    for (const task of tasks) commits.push((await p.claim({ task })).commit);
    for (let i = 0; commits.length < ops; i++) {
      const task = tasks[i % tasks.length];
      if (Math.floor(i / tasks.length) % 2 === 0) commits.push((await p.heartbeat({ task })).commit);
      else commits.push((await p.addEvidence({ task, kind: "edit", capturedBy: "planref", files: [`src/${task}/f${i}.ts`], cwd: dir, startedAt: new Date() })).commit);
    }
  } finally {
    await p.close();
  }
  return commits;
}

const tipOf = (dir, ENV) => gitText(["rev-parse", "refs/plan/state"], { cwd: dir, env: ENV });
const treeOf = (dir, ENV) => gitText(["rev-parse", "refs/plan/state^{tree}"], { cwd: dir, env: ENV });

export async function runSync({ BIN, ENV, runRoot, row, log, details, section = null, total = null }) {
  const tag = `[${section ?? "sync"}${total ? `/${total}` : ""}]`;
  log(`\n${tag} planref sync: 2 clones x ${OPS} divergent operations over a bare remote; team-mode claim latency`);
  const lib = await importFile(join(dirname(BIN), "..", "dist", "lib.js"));
  const d = (details.sync = {});
  const rows = [];

  // ---- convergence of 200 divergent operations on each of two clones ----
  let t0 = performance.now();
  const w = await makeWorld({ BIN, ENV, lib, root: join(runRoot, "sync-converge"), clones: 2, tasks: 2 * CLAIMS - CONTESTED });
  const [a, b] = w.dirs;
  const mineA = w.ids.slice(0, CLAIMS);
  const mineB = w.ids.slice(CLAIMS - CONTESTED, 2 * CLAIMS - CONTESTED);
  const opsA = await offlineWork(lib, ENV, a, "bench-ann", mineA, OPS);
  const opsB = await offlineWork(lib, ENV, b, "bench-bob", mineB, OPS);
  d.setupSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  log(`  set up: ${opsA.length} operations in A, ${opsB.length} in B (${CONTESTED} of ${CLAIMS} claimed tasks on both sides), in ${d.setupSeconds} s`);

  const steps = [];
  t0 = performance.now();
  for (const [name, dir, actor] of [
    ["A", a, "bench-ann"],
    ["B", b, "bench-bob"],
    ["A", a, "bench-ann"],
  ]) {
    const r = cli(BIN, ENV, dir, ["sync"], actor);
    steps.push({ clone: name, action: r.data.action, ms: Math.round(r.ms), cpuMs: r.cpuMs, replayed: r.data.replayed, conflicts: r.data.conflicts.length, attempts: r.data.attempts });
  }
  const convergeMs = performance.now() - t0;
  const tips = [tipOf(a, ENV), tipOf(b, ENV), tipOf(w.bare, ENV)];
  if (new Set(tips).size !== 1 || treeOf(a, ENV) !== treeOf(b, ENV)) throw new Error(`the clones did not converge: ${tips.join(" ")}`);
  const replayed = steps.reduce((n, s) => n + s.replayed, 0);
  const conflicts = steps.reduce((n, s) => n + s.conflicts, 0);
  // Every operation is kept: in the history itself, or replayed from it (the replay or its conflict record).
  const log2 = gitText(["log", "--format=%H %(trailers:key=Planref-Replayed-From,valueonly,separator=%x20)", "refs/plan/state"], { cwd: a, env: ENV });
  const seen = new Set(log2.split(/\s+/).filter(Boolean));
  const lost = [...opsA, ...opsB].filter((c) => !seen.has(c)).length;
  if (lost > 0) throw new Error(`${lost} operations are neither in the history nor replayed from it`);
  if (replayed + conflicts !== OPS) throw new Error(`B's ${OPS} operations: ${replayed} replayed + ${conflicts} conflicts`);
  const cpuMs = steps.reduce((n, s) => n + s.cpuMs, 0);
  Object.assign(d, { ops: OPS, replayed, conflicts, lost, convergeMs: Math.round(convergeMs), convergeCpuMs: cpuMs, steps });
  log(`  ${steps.map((s) => `sync ${s.clone}: ${s.action} in ${s.ms} ms (CPU ${s.cpuMs} ms)${s.replayed || s.conflicts ? `, ${s.replayed} replayed, ${s.conflicts} conflicts` : ""}`).join("; ")}`);
  rows.push(
    row(`sync: 2 clones x ${OPS} divergent ops, sync A, B, A until converged (${replayed} replayed, ${conflicts} conflicts)`, { n: 1, median: convergeMs, p90: convergeMs }, { targetText: "< 10 s", target: (s) => s.median < 10_000 }),
  );
  rows.push(row("sync: the same, CPU time (user + sys of planref and its git processes)", { n: 1, median: cpuMs, p90: cpuMs }));
  const replayStep = steps[1];
  rows.push(row(`sync: planref sync replaying ${OPS} ops onto the remote's tip (B)`, { n: 1, median: replayStep.ms, p90: replayStep.ms }));

  // ---- team-mode claim latency, next to solo claims and a native git push ----
  t0 = performance.now();
  const team = await makeWorld({ BIN, ENV, lib, root: join(runRoot, "sync-team"), clones: 2, tasks: 2 * TEAM_CLAIMS + 1, team: true });
  const solo = await makeWorld({ BIN, ENV, lib, root: join(runRoot, "sync-solo"), clones: 1, tasks: TEAM_CLAIMS });
  // The other team clone holds a claim of its own, so it can move the remote with a heartbeat.
  const other = team.dirs[1];
  const otherTask = team.ids[2 * TEAM_CLAIMS];
  cli(BIN, ENV, other, ["claim", otherTask], "bench-other");
  d.teamSetupSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  const s = { team: [], teamAfterMove: [], solo: [], push: [], fetch: [], node: [] };
  for (let i = 0; i < TEAM_CLAIMS; i++) {
    let r = cli(BIN, ENV, team.dirs[0], ["claim", team.ids[i]], "bench-team");
    if (r.data.outcome !== "acquired") throw new Error(`team claim ${i}: ${JSON.stringify(r.data).slice(0, 300)}`);
    s.team.push(r.ms);
    // Another clone moves the remote (setup, not timed): this claim is replayed onto its tip.
    cli(BIN, ENV, other, ["heartbeat", otherTask], "bench-other");
    cli(BIN, ENV, other, ["sync"], "bench-other");
    r = cli(BIN, ENV, team.dirs[0], ["claim", team.ids[TEAM_CLAIMS + i]], "bench-team");
    if (r.data.outcome !== "acquired") throw new Error(`team claim after a move ${i}: ${JSON.stringify(r.data).slice(0, 300)}`);
    s.teamAfterMove.push(r.ms);
    r = cli(BIN, ENV, solo.dirs[0], ["claim", solo.ids[i]], "bench-solo");
    s.solo.push(r.ms);
    s.push.push(timedGit(["push", "-q", "--no-verify", "origin", "refs/plan/state"], { cwd: solo.dirs[0], env: ENV }));
    const n0 = performance.now();
    spawnSync(process.execPath, ["-e", "0"], { env: ENV });
    s.node.push(performance.now() - n0);
    s.fetch.push(timedGit(["fetch", "-q", "--no-tags", "--no-write-fetch-head", "origin", "+refs/plan/state:refs/plan/remotes/origin/state"], { cwd: team.dirs[1], env: ENV }));
  }
  // Every team claim is on the remote: the remote's tip is the claiming clone's.
  if (tipOf(team.dirs[0], ENV) !== tipOf(team.bare, ENV)) throw new Error("the last team claim is not on the remote");
  const remoteClaims = gitText(["ls-tree", "-r", "--name-only", "refs/plan/state", "claims"], { cwd: team.bare, env: ENV }).split("\n").filter(Boolean).length;
  if (remoteClaims !== 2 * TEAM_CLAIMS + 1) throw new Error(`the remote holds ${remoteClaims} claims, expected ${2 * TEAM_CLAIMS + 1}`);
  const solo50 = summarize(s.solo).median;
  const push50 = summarize(s.push).median;
  rows.push(row("sync: team-mode planref claim (claim + fetch + push to a bare remote)", s.team, { baseline: solo50, baselineName: "solo claim" }));
  rows.push(row("sync: team-mode planref claim after another clone moved the remote (replayed)", s.teamAfterMove, { baseline: solo50, baselineName: "solo claim" }));
  rows.push(row("sync: solo-mode planref claim (same run)", s.solo));
  rows.push(row("baseline: git push refs/plan/state, 1 new commit, bare remote by path", s.push));
  rows.push(row("baseline: git fetch refs/plan/state, bare remote by path", s.fetch));
  rows.push(row("baseline: node -e 0 (same rounds)", s.node));
  d.claims = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, summarize(v)]));
  d.teamOverSoloMs = Math.round(summarize(s.team).median - solo50);
  log(`  team claim costs ${d.teamOverSoloMs} ms more than a solo claim; a native git push ${Math.round(push50)} ms, fetch ${Math.round(summarize(s.fetch).median)} ms, node -e 0 ${Math.round(summarize(s.node).median)} ms`);
  return rows;
}
