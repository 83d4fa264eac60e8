// Capability benchmarks: the CLI as agents use it, on repositories built through planref itself
// (bench/cli-fixtures.mjs). Called by bench/run.mjs after the storage-engine sections; rows go
// into the same table and JSON.
//
//   7  planref spec import of a generated 2,000-task PRD into a fresh repository
//   8  planref next / waves --json at 10,000 tasks: warm, and first run after a commit
//   9  planref claim / heartbeat / release --json at 10,000 tasks
//   10 8 agent processes racing for next, claiming, heartbeating, releasing; no double claims
//   11 planref hook claude PreToolUse / PostToolUse / SessionStart in a claimed worktree
//   12 planref run --task <claimed> -- true against spawning true directly
//
// Every CLI sample is interleaved with `node -e 0` samples taken in the same section, and the
// ratio of a row is against that section's node median: the machine's load drifts over a run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIG_TASKS, SPEC_TASKS } from "./cli-fixtures.mjs";
import { generatePrd } from "./prd.mjs";
import { BENCH_DIR, fmtMs, git, gitText, runTogether, summarize } from "./support.mjs";

const TIMEOUT = 180_000;
const AGENTS = 8;
const AGENT_HEARTBEATS = 20;

/**
 * Replays the claim trailers of refs/plan/state, oldest first: per task, claims and releases
 * must alternate (claim -> release/force-release -> claim ...), epochs must strictly increase,
 * and every heartbeat must carry the live claim's epoch and holder. Returns the counts and
 * every violation found.
 */
export function checkClaimHistory(dir, env, since = null) {
  const text = gitText(["log", "--first-parent", "--reverse", "--format=%x1e%H%n%an%n%B", since ? `${since}..refs/plan/state` : "refs/plan/state"], { cwd: dir, env });
  const live = new Map();
  const lastEpoch = new Map();
  const violations = [];
  const counts = { commits: 0, claim: 0, heartbeat: 0, release: 0, "force-release": 0 };
  for (const rec of text.split("\x1e").slice(1)) {
    counts.commits++;
    const [oid] = rec.split("\n", 1);
    const t = {};
    for (const m of rec.matchAll(/^(Planref-[A-Za-z-]+): (.*)$/gm)) (t[m[1]] ??= []).push(m[2].trim());
    const op = t["Planref-Op"]?.[0];
    if (!["claim", "heartbeat", "release", "force-release"].includes(op)) continue;
    counts[op]++;
    const task = t["Planref-Task"]?.[0];
    const actor = t["Planref-Actor"]?.[0];
    const epoch = Number(t["Planref-Epoch"]?.[0]);
    const at = `${oid.slice(0, 10)} ${op} ${task}`;
    if (!task || !Number.isInteger(epoch)) {
      violations.push(`${at}: missing Planref-Task or Planref-Epoch`);
      continue;
    }
    const cur = live.get(task);
    if (op === "claim") {
      if (cur) violations.push(`${at}: claimed by ${actor} (epoch ${epoch}) while ${cur.actor} holds epoch ${cur.epoch}: double claim`);
      if (lastEpoch.has(task) && epoch <= lastEpoch.get(task)) violations.push(`${at}: epoch ${epoch} after epoch ${lastEpoch.get(task)}`);
      live.set(task, { actor, epoch });
      lastEpoch.set(task, Math.max(epoch, lastEpoch.get(task) ?? 0));
    } else if (op === "heartbeat") {
      if (!cur) violations.push(`${at}: heartbeat by ${actor} without a live claim`);
      else if (cur.epoch !== epoch || cur.actor !== actor) violations.push(`${at}: heartbeat by ${actor} epoch ${epoch}, live claim is ${cur.actor} epoch ${cur.epoch}`);
    } else {
      if (!cur) violations.push(`${at}: ${op} without a live claim`);
      else if (cur.epoch !== epoch) violations.push(`${at}: ${op} of epoch ${epoch}, live epoch is ${cur.epoch}`);
      live.delete(task);
    }
  }
  return { counts, violations, stillLive: [...live.keys()] };
}

export async function runCapabilities({ BIN, ENV, runRoot, cliFx, row, workCopy, log, details, live, gc, total }) {
  const footer = [];
  const nodeAll = [];
  const cap = (details.capabilities = { nodeBaselines: {} });

  /** Runs one command, timed; throws on a spawn error or a non-zero exit. */
  const timed = (cmd, args, { cwd, env = ENV, input } = {}) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd, env, input, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"], timeout: TIMEOUT });
    const ms = performance.now() - t0;
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${String(r.stdout).slice(0, 1000)} ${String(r.stderr).slice(0, 1500)}`);
    return { ms, stdout: r.stdout.toString("utf8"), stderr: r.stderr.toString("utf8") };
  };
  /** planref ... --json, timed: returns { ms, data }; the command must succeed. */
  const pj = (args, opts) => {
    // --json goes before a `--`: what follows it is the command `planref run` runs.
    const dd = args.indexOf("--");
    const full = dd === -1 ? [...args, "--json"] : [...args.slice(0, dd), "--json", ...args.slice(dd)];
    const { ms, stdout } = timed(process.execPath, [BIN, ...full], opts);
    const out = JSON.parse(stdout);
    if (!out.ok) throw new Error(`planref ${args.join(" ")}: ${stdout.slice(0, 1000)}`);
    return { ms, data: out.data };
  };
  /** A section's own node -e 0 samples, taken between its commands. */
  const baseline = (name) => {
    const samples = [];
    return {
      sample: () => {
        const { ms } = timed(process.execPath, ["-e", "0"], { cwd: runRoot });
        samples.push(ms);
        nodeAll.push(ms);
      },
      get median() {
        return summarize(samples).median;
      },
      record: () => {
        cap.nodeBaselines[name] = { n: samples.length, medianMs: +summarize(samples).median.toFixed(2) };
      },
    };
  };
  const vsNode = (b, targetX) => ({ baseline: b.median, baselineName: "node -e 0", ...(targetX ? { targetText: `<= ${targetX}x node`, target: (_s, r) => r <= targetX } : {}) });
  const asActor = (actor) => ({ ...ENV, PLANREF_ACTOR: actor });
  cap.sectionSeconds = {};
  let sectionStart = null;
  const section = (k, text) => {
    const now = performance.now();
    if (sectionStart) cap.sectionSeconds[sectionStart.k] = +((now - sectionStart.t) / 1000).toFixed(1);
    sectionStart = k === null ? null : { k, t: now };
    if (k !== null) log(`\n[${k}/${total}] ${text}`);
  };
  const tipOf = (dir) => gitText(["rev-parse", "refs/plan/state"], { cwd: dir, env: ENV });
  const countSince = (dir, since) => Number(gitText(["rev-list", "--count", "refs/plan/state", `^${since}`], { cwd: dir, env: ENV }));

  // ---- 7. spec import ----
  section(7, `planref spec import, generated PRD with ${SPEC_TASKS} tasks, fresh repositories`);
  {
    const prd = generatePrd({ tasks: SPEC_TASKS, seed: 1, title: "Big plan 1" });
    const file = join(runRoot, "import-prd.md");
    writeFileSync(file, prd.text);
    const b = baseline("specImport");
    const samples = [];
    const cpu = [];
    // CPU time of the import (user + sys, from /usr/bin/time when present) is less sensitive to a busy machine than wall time.
    const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
    for (let i = 0; i < 3; i++) {
      const dir = join(runRoot, `import-${i}`);
      git(["init", "-q", dir], { env: ENV });
      pj(["init", "--name", "imp"], { cwd: dir });
      b.sample();
      const cpuFile = join(runRoot, `import-${i}.time`);
      const args = ["spec", "import", file, "--id", "big1", "--json"];
      const t = timeBin ? timed(timeBin, ["-f", "%U %S", "-o", cpuFile, process.execPath, BIN, ...args], { cwd: dir }) : timed(process.execPath, [BIN, ...args], { cwd: dir });
      const ms = t.ms;
      const out = JSON.parse(t.stdout);
      if (!out.ok) throw new Error(`spec import: ${t.stdout.slice(0, 1000)}`);
      const data = out.data;
      if (timeBin) cpu.push(readFileSync(cpuFile, "utf8").trim().split(/\s+/).slice(-2).reduce((a, x) => a + Number(x) * 1000, 0));
      if (data.tasks.added.length !== SPEC_TASKS || data.specStatus.to !== "draft") throw new Error(`spec import: ${JSON.stringify(data).slice(0, 500)}`);
      if (countSince(dir, `${tipOf(dir)}~1`) !== 1) throw new Error("spec import made more than one commit");
      samples.push(ms);
    }
    b.record();
    cap.specImport = { tasks: SPEC_TASKS, prdBytes: Buffer.byteLength(prd.text), samplesMs: samples.map(Math.round), cpuMs: cpu.map(Math.round), buildImportsMs: cliFx.manifest.big.timings.importMs };
    if (cpu.length) footer.push(`spec import of ${SPEC_TASKS} tasks: CPU time (user+sys) median ${fmtMs(summarize(cpu).median)} against wall ${fmtMs(summarize(samples).median)}; imports into 0/2k/4k/6k/8k existing tasks while building the 10k fixture: ${cliFx.manifest.big.timings.importMs.map(fmtMs).join(", ")}`);
    row(`planref spec import, ${SPEC_TASKS}-task PRD (${(Buffer.byteLength(prd.text) / 1e6).toFixed(1)} MB), fresh repo`, samples, {
      targetText: "<= 3 s",
      target: (s) => s.median <= 3000,
      baseline: b.median,
      baselineName: "node -e 0",
    });
  }
  gc();

  const big = cliFx.manifest.big;
  const bigLabel = `${BIG_TASKS / 1000}k tasks, ${big.ready.length} ready + ${BIG_TASKS - big.ready.length} draft`;

  // ---- 8. next and waves ----
  section(8, `planref next / waves --json at ${bigLabel}: warm, and first after a commit`);
  {
    const dir = workCopy(cliFx.big, "plan-big");
    const checkNext = (r) => {
      if (!r.data.candidate?.id) throw new Error(`next found nothing: ${JSON.stringify(r.data).slice(0, 500)}`);
      return r;
    };
    const checkWaves = (r) => {
      if (!Array.isArray(r.data.waves) || r.data.waves.length === 0) throw new Error(`waves: ${JSON.stringify(r.data).slice(0, 500)}`);
      return r;
    };
    // The copy has the snapshot cache of its tip, not the derived views: the first run of each computes them.
    const firstNext = checkNext(pj(["next"], { cwd: dir }));
    const firstWaves = checkWaves(pj(["waves"], { cwd: dir }));
    const b = baseline("nextWaves");
    const s = { next: [], waves: [], nextMoved: [], wavesMoved: [], nextAfterClaim: [] };
    for (let i = 0; i < 6; i++) {
      b.sample();
      const n = checkNext(pj(["next"], { cwd: dir }));
      if (n.data.candidate.id !== firstNext.data.candidate.id) throw new Error("next changed at an unchanged tip");
      s.next.push(n.ms);
      s.waves.push(checkWaves(pj(["waves"], { cwd: dir })).ms);
    }
    // One commit that changes no task lands between runs: `planref config set` (untimed), alternating two values.
    let flip = 0;
    const change = () => pj(["config", "set", "packet.maxBytes", String(8001 + (flip++ % 2))], { cwd: dir });
    // 3 samples each: waves after a commit takes seconds at 10k tasks.
    for (let i = 0; i < 3; i++) {
      change();
      b.sample();
      s.nextMoved.push(checkNext(pj(["next"], { cwd: dir })).ms);
      change();
      s.wavesMoved.push(checkWaves(pj(["waves"], { cwd: dir })).ms);
    }
    // Another agent claims, then releases, a ready task (untimed): each moves a task between
    // ready and held, which the ranking does not distinguish. The claim also adds a live claim.
    const other = asActor("bench-other");
    const target = firstNext.data.candidate.id;
    for (let i = 0; i < 3; i++) {
      pj(["claim", target], { cwd: dir, env: other });
      b.sample();
      s.nextAfterClaim.push(checkNext(pj(["next"], { cwd: dir })).ms);
      pj(["release", target], { cwd: dir, env: other });
      s.nextAfterClaim.push(checkNext(pj(["next"], { cwd: dir })).ms);
    }
    b.record();
    cap.planning = {
      tasks: BIG_TASKS,
      ready: big.ready.length,
      nextCandidate: firstNext.data.candidate.id,
      nextClaimable: firstNext.data.claimableCount,
      firstNextMs: Math.round(firstNext.ms),
      firstWavesMs: Math.round(firstWaves.ms),
      waves: firstWaves.data.waves.length,
      firstWaveSize: firstWaves.data.waves[0].length,
      needsReview: firstWaves.data.needsReview.length,
    };
    row(`planref next --json, warm (${bigLabel})`, s.next, vsNode(b, 3));
    row(`planref next --json, first after a commit (${bigLabel})`, s.nextMoved, vsNode(b, 3));
    row(`planref waves --json, warm (${bigLabel})`, s.waves, vsNode(b, 3));
    row(`planref waves --json, first after a commit (${bigLabel})`, s.wavesMoved, vsNode(b, 3));
    row(`planref next --json, first after another agent's claim or release (${bigLabel})`, s.nextAfterClaim, vsNode(b, 3));
  }
  gc();

  // ---- 9. claim, heartbeat, release ----
  section(9, `planref claim / heartbeat / release --json at ${bigLabel}`);
  {
    const dir = workCopy(cliFx.big, "claims-big");
    const before = tipOf(dir);
    const env = asActor("bench-agent");
    const b = baseline("claims");
    const s = { claim: [], heartbeat: [], release: [] };
    const CYCLES = 4;
    const BEATS = 6;
    for (let c = 0; c < CYCLES; c++) {
      const task = big.ready[(c * 97 + 13) % big.ready.length];
      b.sample();
      const cl = pj(["claim", task], { cwd: dir, env });
      if (cl.data.outcome !== "acquired" || cl.data.claim.task !== task) throw new Error(`claim ${task}: ${JSON.stringify(cl.data).slice(0, 500)}`);
      s.claim.push(cl.ms);
      for (let h = 0; h < BEATS; h++) {
        if (h % 2 === 0) b.sample();
        const hb = pj(["heartbeat", task], { cwd: dir, env });
        if (hb.data.task !== task || hb.data.epoch !== cl.data.claim.epoch) throw new Error(`heartbeat ${task}: ${JSON.stringify(hb.data)}`);
        s.heartbeat.push(hb.ms);
      }
      const rl = pj(["release", task], { cwd: dir, env });
      if (rl.data.task !== task || rl.data.forced) throw new Error(`release ${task}: ${JSON.stringify(rl.data)}`);
      s.release.push(rl.ms);
    }
    b.record();
    const hist = checkClaimHistory(dir, ENV, before);
    if (hist.violations.length || hist.counts.claim !== CYCLES || hist.counts.heartbeat !== CYCLES * BEATS || hist.counts.release !== CYCLES || hist.counts.commits !== CYCLES * (BEATS + 2)) {
      throw new Error(`claim cycles left an unexpected history: ${JSON.stringify(hist).slice(0, 1000)}`);
    }
    row(`planref claim <task> --json (${BIG_TASKS / 1000}k tasks)`, s.claim, vsNode(b, 3));
    row(`planref heartbeat <task> --json (${BIG_TASKS / 1000}k tasks)`, s.heartbeat, vsNode(b, 3));
    row(`planref release <task> --json (${BIG_TASKS / 1000}k tasks)`, s.release, vsNode(b));
  }
  gc();

  // ---- 10. agents ----
  section(10, `${AGENTS} agent processes: next, claim (racing), ${AGENT_HEARTBEATS} heartbeats, release, on the small repository (CLI)`);
  {
    const dir = workCopy(cliFx.small, "agents-small");
    const before = tipOf(dir);
    const { results, wallMs } = await runTogether(
      AGENTS,
      (k) => spawn(process.execPath, [join(BENCH_DIR, "agent.mjs"), BIN, dir, String(AGENT_HEARTBEATS)], { cwd: dir, env: asActor(`agent-${k + 1}`), stdio: ["pipe", "pipe", "pipe"] }),
      { live, label: "agent" },
    );
    const commits = countSince(dir, before);
    const hist = checkClaimHistory(dir, ENV);
    const runHist = checkClaimHistory(dir, ENV, before);
    const tasks = new Set(results.map((r) => r.task));
    const lostRaces = results.reduce((a, r) => a + r.lostRaces.length, 0);
    const expected = AGENTS * (AGENT_HEARTBEATS + 2);
    const all = (k) => results.flatMap((r) => r.lat[k]);
    const med = (k) => +summarize(all(k)).median.toFixed(1);
    const ok =
      hist.violations.length === 0 &&
      hist.stillLive.length === 0 &&
      tasks.size === AGENTS &&
      commits === expected &&
      runHist.counts.claim === AGENTS &&
      runHist.counts.heartbeat === AGENTS * AGENT_HEARTBEATS &&
      runHist.counts.release === AGENTS;
    cap.agents = {
      agents: AGENTS,
      heartbeatsEach: AGENT_HEARTBEATS,
      wallMs: Math.round(wallMs),
      commits,
      expectedCommits: expected,
      commitsPerSec: +(commits / (wallMs / 1000)).toFixed(1),
      distinctTasks: tasks.size,
      lostClaimRaces: lostRaces,
      claimHistory: { ...hist.counts, violations: hist.violations.slice(0, 10), violationCount: hist.violations.length, stillLive: hist.stillLive },
      perCommandMedianMs: { next: med("next"), claim: med("claim"), heartbeat: med("heartbeat"), release: med("release") },
      heartbeatP90Ms: +summarize(all("heartbeat")).p90.toFixed(1),
    };
    row(`${AGENTS} agents x (claim + ${AGENT_HEARTBEATS} heartbeats + release), CLI: total wall time`, { n: 1, median: wallMs, p90: wallMs }, { targetText: "0 double claims", pass: ok });
    row(`${AGENTS} agents: heartbeat latency under contention`, all("heartbeat"));
    footer.push(
      `${AGENTS} agents (CLI, small repo): ${commits}/${expected} commits in ${fmtMs(wallMs)} = ${cap.agents.commitsPerSec} commits/s; ${tasks.size} distinct tasks claimed, ${lostRaces} lost claim race(s) retried via next; claim history (${hist.counts.claim} claims, ${hist.counts.release} releases, ${hist.counts["force-release"]} force-releases over the whole ref): ${hist.violations.length} violations (double claims, epoch order, foreign heartbeats), ${hist.stillLive.length} still live; medians next ${fmtMs(cap.agents.perCommandMedianMs.next)}, claim ${fmtMs(cap.agents.perCommandMedianMs.claim)}, heartbeat ${fmtMs(cap.agents.perCommandMedianMs.heartbeat)} (p90 ${fmtMs(cap.agents.heartbeatP90Ms)}), release ${fmtMs(cap.agents.perCommandMedianMs.release)}`,
    );
    log(`  ${footer[footer.length - 1]}`);
  }
  gc();

  // ---- 11 + 12. hooks and run, in a claimed linked worktree ----
  section(11, "planref hook claude PreToolUse (Write) / PostToolUse (Bash) / SessionStart, in a claimed worktree");
  const worktrees = {};
  for (const [name, src, ready] of [
    ["small", cliFx.small, cliFx.manifest.small.areaTasks],
    [`${BIG_TASKS / 1000}k`, cliFx.big, big.ready],
  ]) {
    const dir = workCopy(src, `hooks-${name}`);
    const env = asActor("hook-agent");
    const task = ready[7];
    const cl = pj(["claim", task, "--worktree"], { cwd: dir, env });
    const wt = cl.data.claim.worktree;
    if (!wt || !existsSync(wt)) throw new Error(`claim --worktree made no worktree: ${JSON.stringify(cl.data)}`);
    worktrees[name] = { dir, wt, task, env };
    const inScope = cl.data.claim.scope[0].replace(/\*\*.*$/, "bench-hook.ts").replace(/\*/g, "x");
    const common = { session_id: "bench-session", transcript_path: join(runRoot, "transcript.jsonl"), cwd: wt, permission_mode: "default" };
    const payloads = {
      PreToolUse: { ...common, hook_event_name: "PreToolUse", tool_name: "Write", tool_input: { file_path: join(wt, inScope), content: "export const x = 1;\n" } },
      PostToolUse: {
        ...common,
        hook_event_name: "PostToolUse",
        tool_name: "Bash",
        tool_input: { command: "npm test -- bench" },
        tool_response: { stdout: "1 passed\n", stderr: "", interrupted: false, isImage: false },
      },
      SessionStart: { ...common, hook_event_name: "SessionStart", source: "startup" },
    };
    const b = baseline(`hooks-${name}`);
    const s = { PreToolUse: [], PostToolUse: [], SessionStart: [] };
    const hook = (event) => timed(process.execPath, [BIN, "hook", "claude", event], { cwd: wt, env, input: JSON.stringify(payloads[event]) });
    for (let i = 0; i < 6; i++) {
      b.sample();
      const pre = hook("PreToolUse");
      // Allowed in scope: nothing printed (no claim, or out of scope, would print a warning with the default policy).
      if (pre.stdout.trim() !== "") throw new Error(`PreToolUse in scope printed ${pre.stdout}`);
      s.PreToolUse.push(pre.ms);
      const tip = tipOf(dir);
      const post = hook("PostToolUse");
      if (countSince(dir, tip) !== 1) throw new Error(`PostToolUse made ${countSince(dir, tip)} commits, expected 1 (evidence)`);
      s.PostToolUse.push(post.ms);
      const ss = hook("SessionStart");
      const ctx = JSON.parse(ss.stdout).hookSpecificOutput?.additionalContext ?? "";
      if (!ctx.includes(`hold task ${task}`)) throw new Error(`SessionStart said: ${ss.stdout}`);
      s.SessionStart.push(ss.ms);
    }
    b.record();
    const hooksLog = join(dir, ".git", "planref", "hooks.log");
    if (existsSync(hooksLog)) throw new Error(`hooks logged problems: ${readFileSync(hooksLog, "utf8").slice(0, 2000)}`);
    const last = gitText(["log", "-1", "--format=%B", "refs/plan/state"], { cwd: dir, env: ENV });
    if (!/^Planref-Op: evidence$/m.test(last) || !/^Planref-Captured-By: hook$/m.test(last)) throw new Error(`PostToolUse commit: ${last}`);
    row(`hook claude PreToolUse, Write in scope (${name})`, s.PreToolUse, vsNode(b, 2.5));
    row(`hook claude PostToolUse, Bash -> evidence commit (${name})`, s.PostToolUse, vsNode(b, 2.5));
    row(`hook claude SessionStart (${name})`, s.SessionStart, vsNode(b, 2.5));
  }
  gc();

  section(12, "planref run --task <claimed> -- true, against spawning true directly");
  cap.run = {};
  for (const [name, { dir, wt, task, env }] of Object.entries(worktrees)) {
    const b = baseline(`run-${name}`);
    const s = { run: [], bare: [], overhead: [] };
    for (let i = 0; i < 6; i++) {
      b.sample();
      const bare = timed("true", [], { cwd: wt, env });
      const tip = tipOf(dir);
      const r = pj(["run", "--task", task, "--", "true"], { cwd: wt, env });
      if (r.data.exitCode !== 0 || r.data.evidence?.command !== "true" || countSince(dir, tip) !== 1) throw new Error(`run -- true: ${JSON.stringify(r.data).slice(0, 500)}`);
      s.bare.push(bare.ms);
      s.run.push(r.ms);
      s.overhead.push(r.ms - bare.ms);
    }
    b.record();
    const o = summarize(s.overhead);
    cap.run[name] = { trueMedianMs: +summarize(s.bare).median.toFixed(2), runMedianMs: +summarize(s.run).median.toFixed(2), overheadMedianMs: +o.median.toFixed(1) };
    row(`planref run --task <claimed> -- true (${name})`, s.run, vsNode(b));
    row(`  overhead of planref run over spawning true (${name})`, s.overhead);
  }
  section(null);
  footer.push(`planref run -- true overhead over spawning true: ${Object.entries(cap.run).map(([k, v]) => `${k} ${fmtMs(v.overheadMedianMs)} (true ${fmtMs(v.trueMedianMs)}, run ${fmtMs(v.runMedianMs)})`).join(", ")}`);
  footer.push(`sections 7-12 took ${Object.entries(cap.sectionSeconds).map(([k, v]) => `${k}: ${v} s`).join(", ")}`);
  footer.push(`node -e 0 per section: ${Object.entries(cap.nodeBaselines).map(([k, v]) => `${k} ${fmtMs(v.medianMs)}`).join(", ")}`);
  return { footer, nodeAll };
}
