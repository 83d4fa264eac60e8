// The soak: agents working one plan from two clones of a bare remote for minutes, with
// random SIGKILLs, then every invariant checked from git's side.
//
//   node test/soak/soak.mjs [--minutes 10 | --seconds 25] [--agents 8] [--tasks 30]
//                           [--kill-every 2000-6000] [--cli-share 0.2] [--mode solo|team]
//                           [--seed N] [--summary out.json] [--keep] [--pkg DIR]
//
// Set-up: a bare remote and clones A and B; A creates the state with --tasks ready tasks of
// disjoint scopes and pushes it, B adopts it. Half of the agents work in each clone, half of
// those in linked worktrees. Each agent (agent.mjs) loops over random operations through the
// library and the CLI and journals every acknowledged write. A chaos loop SIGKILLs a random
// agent every --kill-every ms and restarts it; a ref lock left by a writer killed while
// holding it is broken once it has clearly been abandoned, as an operator would.
//
// At the end the agents are stopped, A, B and A sync until all three tips are equal, and the
// invariants are checked (invariants.mjs). A summary table is printed, with each clone's sync
// progress and any known issue (a failure with a reproducer test of its own, see KNOWN in
// agent.mjs); --summary also writes it as JSON. Exit status 0 only when every invariant holds
// and no agent failed otherwise.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isolatedEnv, makeHome, mulberry32 } from "../../bench/support.mjs";
import { checkClaimHistory, checkJournals, checkTaskClaimConsistency, fsckStrict, git, readHistory, refLocks, tipOf } from "./invariants.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const AGENT_SOURCE = fileURLToPath(new URL("./agent.mjs", import.meta.url));

const { values: opt } = parseArgs({
  options: {
    minutes: { type: "string" },
    seconds: { type: "string" },
    agents: { type: "string", default: "8" },
    tasks: { type: "string", default: "30" },
    "kill-every": { type: "string", default: "2000-6000" },
    "cli-share": { type: "string", default: "0.2" },
    mode: { type: "string", default: "solo" },
    seed: { type: "string" },
    summary: { type: "string" },
    pkg: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const durationMs = opt.seconds ? Number(opt.seconds) * 1000 : Number(opt.minutes ?? "10") * 60_000;
const agentCount = Number(opt.agents);
const taskCount = Number(opt.tasks);
const [killMin, killMax] = opt["kill-every"].split("-").map(Number);
const seed = opt.seed ? Number(opt.seed) : Math.floor(Math.random() * 2 ** 31);
if (!(durationMs > 0) || !(agentCount >= 2) || !(taskCount >= 1) || !(killMin > 0 && killMax >= killMin) || !["solo", "team"].includes(opt.mode)) {
  console.error("usage: node test/soak/soak.mjs [--minutes N | --seconds N] [--agents N>=2] [--tasks N] [--kill-every MIN-MAX] [--cli-share P] [--mode solo|team] [--seed N] [--summary FILE] [--keep] [--pkg DIR with bin/ and dist/]");
  process.exit(2);
}
/** Short leases so that abandoned claims go stale and are taken over within the run. */
const SETTINGS = { "claims.lease": "10s", "claims.skewMargin": "1s", "claims.heartbeatInterval": "3s", "sync.mode": opt.mode };
const SKEW_SECONDS = 1;

const rand = mulberry32(seed);
const between = (a, b) => a + rand() * (b - a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`[soak ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const started = Date.now();

// ---------- the world: a bare remote, two clones, worktrees, seeded state ----------

const root = mkdtempSync(join(tmpdir(), "planref-soak-"));
// The isolation of test/helpers/git-repo.ts (and the benchmark's): nothing from the developer's git or planref settings.
const env = isolatedEnv(makeHome(join(root, "home")));

// A private copy of the build (this repository's, or --pkg's): a rebuild of dist/ during the
// run must not pull chunks away from under long-running agents.
const pkg = join(root, "pkg");
for (const part of ["bin", "dist", "package.json"]) cpSync(join(opt.pkg ?? ROOT, part), join(pkg, part), { recursive: true });
const BIN = join(pkg, "bin", "planref");
// The agent too, with the one module it imports: an edit of agent.mjs during a run reaches only the next run.
const AGENT = join(root, "agent.mjs");
cpSync(AGENT_SOURCE, AGENT);
cpSync(fileURLToPath(new URL("../../bench/prng.mjs", import.meta.url)), join(root, "prng.mjs"));
const { openProject } = await import(pathToFileURL(join(pkg, "dist", "lib.js")).href);

const bare = join(root, "remote.git");
git(root, env, ["init", "-q", "--bare", bare]);
const seedDir = join(root, "seed");
git(root, env, ["init", "-q", seedDir]);
writeFileSync(join(seedDir, "README.md"), "# soak\n");
git(seedDir, env, ["add", "README.md"]);
git(seedDir, env, ["commit", "-qm", "initial"]);
git(seedDir, env, ["push", "-q", bare, "main"]);
const clones = { A: join(root, "A"), B: join(root, "B") };
for (const dir of Object.values(clones)) git(root, env, ["clone", "-q", bare, dir]);

const lead = openProject({ cwd: clones.A, env, actor: "lead", kind: "human" });
await lead.init({ name: "soak" });
for (const [key, value] of Object.entries(SETTINGS)) await lead.setConfig({ key, value });
for (let i = 1; i <= taskCount; i++) {
  const t = await lead.addTask({ title: `module ${i}`, intent: `build module ${i}`, acceptanceCriteria: [`module ${i} works`], verification: ["true"], scope: [`src/m${i}/**`] });
  await lead.reviewTask({ task: t.task.id, verdict: "approve" });
}
await lead.sync();
await lead.close();
const leadB = openProject({ cwd: clones.B, env, actor: "lead", kind: "human" });
await leadB.init();
await leadB.close();
if (tipOf(clones.A, env) !== tipOf(clones.B, env)) throw new Error("clone B did not adopt clone A's state");
log(`set up in ${root}: ${taskCount} ready tasks, seed ${seed}`);

// ---------- agents ----------

const journals = join(root, "journals");
mkdirSync(journals);
const stopFile = join(root, "STOP");
const agents = [];
for (let i = 0; i < agentCount; i++) {
  const clone = i < agentCount / 2 ? "A" : "B";
  const n = clone === "A" ? i : i - Math.ceil(agentCount / 2);
  const actor = `${clone.toLowerCase()}${n + 1}`;
  const perClone = clone === "A" ? Math.ceil(agentCount / 2) : Math.floor(agentCount / 2);
  let cwd = clones[clone];
  const worktree = n >= Math.ceil(perClone / 2);
  // The second half of each clone's agents work in linked worktrees of it.
  if (worktree) {
    cwd = join(root, `${clone}-${actor}`);
    git(clones[clone], env, ["worktree", "add", "-q", "-b", `work-${actor}`, cwd]);
  }
  agents.push({ actor, clone, cwd, worktree, commonDir: join(clones[clone], ".git"), journal: join(journals, `${actor}.jsonl`), proc: null, starts: 0, kills: 0, failures: [], stderr: "" });
}

let stopping = false;
const failures = [];

function startAgent(a) {
  a.starts++;
  const cfg = { pkg, actor: a.actor, clone: a.clone, journal: a.journal, stopFile, seed: (seed + a.starts * 7919 + agents.indexOf(a) * 104729) >>> 0, cliShare: Number(opt["cli-share"]), pauseMs: [20, 250] };
  const proc = spawn(process.execPath, [AGENT, JSON.stringify(cfg)], { cwd: a.cwd, env: { ...env, PLANREF_ACTOR: a.actor }, stdio: ["ignore", "ignore", "pipe"] });
  a.proc = proc;
  a.killedByUs = false;
  a.stderr = "";
  proc.stderr.setEncoding("utf8");
  proc.stderr.on("data", (d) => (a.stderr = (a.stderr + d).slice(-4000)));
  a.exited = new Promise((resolve) => {
    proc.on("close", (code, signal) => {
      a.proc = null;
      if (!a.killedByUs && !(stopping && code === 0)) {
        const f = { agent: a.actor, code, signal, stderr: a.stderr.trim().split("\n").slice(-6).join("\n"), atMs: Date.now() - started };
        a.failures.push(f);
        failures.push(f);
        log(`FAILURE: ${a.actor} exited ${code ?? signal} without being killed:\n${f.stderr}`);
        if (!stopping) setTimeout(() => !stopping && !a.proc && startAgent(a), 500);
      }
      resolve({ code, signal });
    });
  });
}

/**
 * A writer killed between creating refs/plan/state.lock and renaming it leaves the lock
 * behind, and git's protocol keeps it: every writer then waits and gives up. A live writer
 * holds the lock for milliseconds; one that is still there, unchanged, 1.5 s after the kill
 * is abandoned, and is removed the way an operator would (planref doctor --break-lock).
 */
let staleLocksBroken = 0;
async function breakAbandonedLock(commonDir) {
  const lock = join(commonDir, "refs", "plan", "state.lock");
  await sleep(200);
  const first = statOrNull(lock);
  if (!first) return;
  await sleep(1500);
  const again = statOrNull(lock);
  if (again && again.ino === first.ino && again.mtimeMs === first.mtimeMs) {
    try {
      unlinkSync(lock);
      staleLocksBroken++;
      log(`broke an abandoned ${lock}`);
    } catch {
      /* gone meanwhile */
    }
  }
}
function statOrNull(p) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/**
 * Who holds each clone's single-flight sync lock, sampled twice a second: a sync waits at
 * most 120 s for it, so long holds are worth knowing about, and whether the holder was an
 * agent, a CLI process an agent started (it outlives a SIGKILLed agent), or some other
 * process that reused a dead holder's pid.
 */
const lockHolds = [];
const openHolds = new Map();
function lockOwner(pid) {
  const agent = agents.find((a) => a.proc?.pid === pid);
  if (agent) return agent.actor;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    const actor = /(?:^|\0)PLANREF_ACTOR=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, "utf8"))?.[1];
    return cmd.includes("planref") ? `cli of ${actor ?? "?"}` : `other process (${cmd.slice(0, 60)})`;
  } catch {
    return "a dead process";
  }
}
function sampleLocks() {
  const now = Date.now();
  for (const [name, dir] of Object.entries(clones)) {
    let pid = null;
    try {
      pid = Number(readFileSync(join(dir, ".git", "planref", "sync.lock"), "utf8").trim()) || 0;
    } catch {
      /* not held */
    }
    const cur = openHolds.get(name);
    if (cur && cur.pid !== pid) {
      lockHolds.push(cur);
      openHolds.delete(name);
    }
    if (pid === null) continue;
    if (!openHolds.has(name)) openHolds.set(name, { clone: name, pid, owner: lockOwner(pid), fromMs: now - started, toMs: now - started });
    else openHolds.get(name).toMs = now - started;
  }
}
const lockSampler = setInterval(sampleLocks, 500);

for (const a of agents) startAgent(a);
log(`${agents.length} agents started (${agents.filter((a) => a.worktree).length} in linked worktrees); running ${durationMs / 1000}s, a kill every ${killMin}-${killMax} ms`);

// ---------- chaos ----------

const runStarted = Date.now();
const deadline = runStarted + durationMs;
let kills = 0;
const killLog = [];
const restarts = [];
while (Date.now() < deadline) {
  await sleep(Math.min(between(killMin, killMax), Math.max(0, deadline - Date.now())));
  if (Date.now() >= deadline) break;
  const alive = agents.filter((a) => a.proc);
  if (alive.length === 0) continue;
  const victim = alive[Math.floor(rand() * alive.length)];
  victim.killedByUs = true;
  victim.proc.kill("SIGKILL");
  await victim.exited;
  victim.kills++;
  kills++;
  killLog.push({ agent: victim.actor, atMs: Date.now() - runStarted });
  await breakAbandonedLock(victim.commonDir);
  const delay = between(100, 1500);
  restarts.push(
    sleep(delay).then(() => {
      if (!stopping && !victim.proc) startAgent(victim);
    }),
  );
}
const runMs = Date.now() - runStarted;

// ---------- stop and converge ----------

await Promise.all(restarts);
stopping = true;
writeFileSync(stopFile, "");
const hung = [];
await Promise.all(
  agents.map(async (a) => {
    if (!a.proc) return;
    const timer = setTimeout(() => {
      if (a.proc) {
        hung.push(a.actor);
        a.killedByUs = true;
        a.proc.kill("SIGKILL");
      }
    }, 90_000);
    await a.exited;
    clearTimeout(timer);
  }),
);
for (const h of hung) failures.push({ agent: h, code: null, signal: "hung", stderr: "did not stop within 90 s of the stop file" });
// Git processes orphaned by kills (a fetch or push in flight) finish on their own.
await sleep(1500);
for (const dir of Object.values(clones)) await breakAbandonedLock(join(dir, ".git"));
clearInterval(lockSampler);
lockHolds.push(...openHolds.values());
log(`agents stopped after ${(runMs / 1000).toFixed(1)}s of chaos; converging`);

function cli(dir, args) {
  const r = spawnSync(process.execPath, [BIN, ...args, "--json"], { cwd: dir, env: { ...env, PLANREF_ACTOR: "lead" }, encoding: "utf8", maxBuffer: 1 << 28 });
  let json = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    /* below */
  }
  return { code: r.status, json, stderr: r.stderr };
}

const convergeLog = [];
let converged = false;
for (let round = 1; round <= 5 && !converged; round++) {
  for (const name of ["A", "B", "A"]) {
    const r = cli(clones[name], ["sync"]);
    convergeLog.push({ round, clone: name, code: r.code, action: r.json?.data?.action ?? r.json?.error?.code, conflicts: r.json?.data?.conflicts?.length ?? 0 });
    if (r.code !== 0) failures.push({ agent: `sync ${name}`, code: r.code, signal: null, stderr: JSON.stringify(r.json?.error ?? r.stderr).slice(0, 2000) });
  }
  const tips = [tipOf(clones.A, env), tipOf(clones.B, env), tipOf(bare, env)];
  converged = tips[0] !== null && tips.every((t) => t === tips[0]);
}

// ---------- invariants ----------

const checks = [];
const check = (name, ok, detail, problems = []) => {
  checks.push({ name, ok, detail, problems: problems.slice(0, 20), problemCount: problems.length });
  if (!ok) log(`INVARIANT FAILED: ${name}: ${detail}\n  ${problems.slice(0, 10).join("\n  ")}`);
};

const tips = { A: tipOf(clones.A, env), B: tipOf(clones.B, env), remote: tipOf(bare, env) };
check("clones converge", converged, `A ${tips.A?.slice(0, 12)}, B ${tips.B?.slice(0, 12)}, remote ${tips.remote?.slice(0, 12)} after ${convergeLog.length} syncs`);

const history = readHistory(clones.A, env);
const merges = git(clones.A, env, ["rev-list", "--merges", "refs/plan/state"]).trim();
const roots = git(clones.A, env, ["rev-list", "--max-parents=0", "refs/plan/state"]).trim().split("\n");
const allReachable = git(clones.A, env, ["rev-list", "--count", "refs/plan/state"]).trim();
check("history is linear", merges === "" && roots.length === 1 && Number(allReachable) === history.length, `${history.length} commits, ${roots.length} root(s), ${merges ? merges.split("\n").length : 0} merge(s)`);

const claimHist = checkClaimHistory(clones.A, env, history, SKEW_SECONDS);
check(
  "at most one live claim per task, at every commit",
  claimHist.problems.length === 0,
  `${claimHist.transitions} claim changes, ${claimHist.newEpochs} epochs granted (${claimHist.takeovers} stale take-overs), ${claimHist.fencedChecked} fenced writes checked`,
  claimHist.problems,
);

const now = Date.now();
const final = checkTaskClaimConsistency(clones.A, env, now, SKEW_SECONDS);
const live = [...final.claims.values()].filter((c) => c.state === "live" && now <= Date.parse(c.expiresAt) + SKEW_SECONDS * 1000);
const overlapping = [];
for (let i = 0; i < live.length; i++) for (let j = i + 1; j < live.length; j++) if (live[i].scope.some((g) => live[j].scope.includes(g))) overlapping.push(`${live[i].task} and ${live[j].task} share scope`);
check("final claims: one document per task, no overlapping live scopes", overlapping.length === 0, `${final.claims.size} claim documents, ${live.length} live`, overlapping);
check("task status agrees with its claim", final.problems.length === 0, `tasks by status ${JSON.stringify(final.byStatus)}`, final.problems);

const records = [];
for (const file of readdirSync(journals)) {
  for (const line of readFileSync(join(journals, file), "utf8").split("\n")) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // A kill can cut only a non-durable line short (acks are fsynced whole before anything else).
      records.push({ op: "torn", agent: file });
    }
  }
}
const acks = records.filter((r) => r.ack);
const journalCheck = checkJournals(history, acks, (ack, n) => git(clones[ack.clone], env, ["rev-list", "--first-parent", "-n", String(n), ack.tip]).trim().split("\n"));
const t = journalCheck.tally;
check(
  "every acknowledged write is in history or replayed",
  journalCheck.problems.length === 0,
  `${t.acked} acknowledged writes: ${t.direct} in history, ${t.replayed} replayed, ${t.conflict} recorded as conflicts; ${t.syncTips} acknowledged syncs (${t.syncPending} with operations pending)`,
  journalCheck.problems,
);
const fatal = records.filter((r) => r.fatal);
check("no agent failed", failures.length === 0 && fatal.length === 0, `${failures.length} unexpected exits, ${fatal.length} fatal journal records`, [
  ...fatal.map((r) => `${r.agent}: ${r.op} ${r.task ?? ""}: ${r.code ?? ""} ${r.message}`),
  ...failures.map((f) => `${f.agent}: exit ${f.code ?? f.signal}: ${f.stderr}`),
]);

const doctor = Object.entries(clones).map(([name, dir]) => ({ name, ...cli(dir, ["doctor"]) }));
check(
  "every document valid (planref doctor)",
  doctor.every((d) => d.code === 0 && d.json?.ok),
  doctor.map((d) => `${d.name}: exit ${d.code}, ${d.json?.data?.checks?.find((c) => c.name === "documents")?.message ?? d.json?.error?.message}`).join("; "),
  doctor.filter((d) => d.code !== 0).map((d) => `${d.name}: ${JSON.stringify(d.json?.error ?? d.stderr).slice(0, 1500)}`),
);

const fsck = [
  ["A", clones.A],
  ["B", clones.B],
  ["remote", bare],
].map(([name, dir]) => ({ name, ...fsckStrict(dir, env) }));
check("git fsck --strict clean", fsck.every((f) => f.ok), fsck.map((f) => `${f.name} ${f.ok ? "clean" : "FAILED"}`).join(", "), fsck.filter((f) => !f.ok).map((f) => `${f.name}: ${f.output.slice(0, 1500)}`));

const locks = [join(clones.A, ".git"), join(clones.B, ".git"), bare].flatMap((d) => refLocks(d));
check("no ref lock left behind", locks.length === 0, locks.length ? locks.join(", ") : "none", locks);

// ---------- summary ----------

const WRITE_OPS = ["claim", "heartbeat", "evidence", "submit", "release", "force-release", "review", "readiness", "apply", "sync"];
const ops = {};
for (const r of records) {
  if (!WRITE_OPS.includes(r.op) || r.fatal) continue;
  const outcome = r.ack ? "ok" : r.code;
  ops[r.op] ??= {};
  ops[r.op][outcome] = (ops[r.op][outcome] ?? 0) + 1;
}
const syncActions = {};
for (const r of acks.filter((x) => x.op === "sync")) syncActions[r.action] = (syncActions[r.action] ?? 0) + 1;
const conflicts = {};
for (const c of history.filter((x) => x.op === "sync-conflict")) conflicts[c.conflictCode] = (conflicts[c.conflictCode] ?? 0) + 1;
const known = {};
for (const r of records.filter((x) => x.known)) {
  known[r.code] ??= { count: 0, reproducer: r.known, example: r.message };
  known[r.code].count++;
}
/**
 * Sync progress per clone: how many agent syncs began, finished, and when the last one
 * finished. A clone whose syncs stop finishing keeps working on a state the other clone no
 * longer shares, and its operations end up as conflict records when it finally syncs.
 */
const syncProgress = {};
for (const name of Object.keys(clones)) {
  const mine = records.filter((r) => r.clone === name);
  const done = mine.filter((r) => r.op === "sync" && r.ack);
  const last = done.length ? Math.max(...done.map((r) => r.t)) : null;
  syncProgress[name] = {
    began: mine.filter((r) => r.op === "sync-begin").length,
    finished: done.length,
    refused: mine.filter((r) => r.op === "sync" && !r.ack && !r.fatal).length,
    lastFinishedAtS: last === null ? null : Math.round((last - runStarted) / 1000),
    longestMs: Math.max(0, ...done.map((r) => r.ms ?? 0)),
  };
}
const longestHolds = Object.fromEntries(
  Object.keys(clones).map((name) => {
    const holds = lockHolds.filter((h) => h.clone === name).map((h) => ({ ...h, ms: h.toMs - h.fromMs }));
    holds.sort((x, y) => y.ms - x.ms);
    return [name, { holds: holds.length, over60s: holds.filter((h) => h.ms > 60_000).length, longest: holds.slice(0, 3).map((h) => ({ owner: h.owner, pid: h.pid, seconds: Math.round(h.ms / 1000), fromS: Math.round(h.fromMs / 1000) })) }];
  }),
);
const via = { lib: acks.filter((a) => a.via === "lib").length, cli: acks.filter((a) => a.via === "cli").length };
const summary = {
  ok: checks.every((c) => c.ok),
  seed,
  mode: opt.mode,
  agents: agentCount,
  tasks: taskCount,
  durationMs: Date.now() - started,
  runMs,
  kills,
  killLog,
  syncProgress,
  syncLock: longestHolds,
  starts: agents.reduce((n, a) => n + a.starts, 0),
  staleLocksBroken,
  ops,
  acknowledgedVia: via,
  syncs: syncActions,
  converge: convergeLog,
  conflicts,
  knownIssues: known,
  commits: history.length,
  replayedCommits: history.filter((c) => c.replayedFrom && c.op !== "sync-conflict").length,
  claimHistory: { transitions: claimHist.transitions, epochs: claimHist.newEpochs, takeovers: claimHist.takeovers, fencedChecked: claimHist.fencedChecked },
  journal: t,
  finalTasks: final.byStatus,
  checks,
  root,
};
if (opt.summary) writeFileSync(opt.summary, `${JSON.stringify(summary, null, 2)}\n`);

const codes = [...new Set(Object.values(ops).flatMap((o) => Object.keys(o)))].sort((a, b) => (a === "ok" ? -1 : b === "ok" ? 1 : a.localeCompare(b)));
const rows = [["operation", ...codes], ...WRITE_OPS.filter((o) => ops[o]).map((o) => [o, ...codes.map((c) => String(ops[o][c] ?? ""))])];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const table = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")).join("\n");
const out = [
  `planref soak: ${agentCount} agents, ${(runMs / 1000).toFixed(0)} s of chaos (${opt.mode} mode, seed ${seed}), ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
  "",
  table,
  "",
  `kills ${kills}, agent starts ${summary.starts}, abandoned ref locks broken ${staleLocksBroken}`,
  `acknowledged writes via library ${via.lib}, via CLI ${via.cli}`,
  `syncs by agents ${JSON.stringify(syncActions)}; converged with ${convergeLog.length} more`,
  ...Object.entries(syncProgress).map(
    ([name, g]) => `  clone ${name}: ${g.began} agent syncs began, ${g.finished} finished (longest ${(g.longestMs / 1000).toFixed(1)} s), ${g.refused} refused, the last finished ${g.lastFinishedAtS === null ? "never" : `${g.lastFinishedAtS} s into the run`}`,
  ),
  ...Object.entries(longestHolds).map(
    ([name, l]) => `  clone ${name}'s sync lock: held ${l.holds} times, ${l.over60s} over 60 s; longest ${l.longest.map((h) => `${h.seconds} s by ${h.owner} from ${h.fromS} s`).join(", ") || "-"}`,
  ),
  `conflict records ${JSON.stringify(conflicts)}; replayed commits ${summary.replayedCommits}; history ${history.length} commits`,
  `final tasks ${JSON.stringify(final.byStatus)}`,
  ...Object.entries(known).map(([code, k]) => `known issue, not counted as a failure: ${code} x${k.count} (${k.example}); reproduced by ${k.reproducer}`),
  "",
  ...checks.map((c) => `${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}${c.ok ? "" : `\n        ${c.problems.slice(0, 5).join("\n        ")}`}`),
  "",
  summary.ok ? "all invariants hold" : `INVARIANTS FAILED; the repositories are kept in ${root}`,
];
console.log(out.join("\n"));
if (summary.ok && !opt.keep) rmSync(root, { recursive: true, force: true });
else console.log(`repositories: ${root}`);
process.exit(summary.ok ? 0 : 1);
