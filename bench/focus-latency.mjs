// A quick loop for the write-latency rows of `npm run bench` (sections 9 and 11): claim and
// heartbeat at 10,000 tasks, and the claude hooks in a claimed worktree (small and 10k), each
// against `node -e 0` sampled in the same run. Reuses the cached CLI fixtures; build first.
//
//   node bench/focus-latency.mjs [claims] [hooks] [--rounds N] [--keep] [--root <dir>] [--cpu]
//
// --root measures another build (a checkout with bin/ and dist/), for before/after runs.
// --cpu also reports CPU time (task-clock of the process and its children, from `perf
// stat`): on a machine shared with other work it moves much less than wall time.
// PLANREF_FOCUS_PROFILE=<dir> adds --cpu-prof for the planref processes (profiles in <dir>).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CACHE_ROOT } from "./fixtures.mjs";
import { BIG_TASKS } from "./cli-fixtures.mjs";
import { ROOT, fmtMs, gitText, isolatedEnv, makeHome, summarize, TMP } from "./support.mjs";

const args = process.argv.slice(2);
const want = new Set(args.filter((a, i) => !a.startsWith("--") && !/^\d+$/.test(a) && args[i - 1] !== "--root"));
const all = want.size === 0;
const roundsAt = args.indexOf("--rounds");
const ROUNDS = roundsAt === -1 ? 6 : Number(args[roundsAt + 1]);
const keep = args.includes("--keep");
const rootAt = args.indexOf("--root");
const SRC = rootAt === -1 ? ROOT : args[rootAt + 1];
const cpu = args.includes("--cpu");
const profileDir = process.env.PLANREF_FOCUS_PROFILE;

const fxDir = readdirSync(CACHE_ROOT)
  .filter((d) => d.startsWith("cli-") && !d.includes(".building-"))
  .map((d) => join(CACHE_ROOT, d))
  .find((d) => existsSync(join(d, "manifest.json")));
if (!fxDir) throw new Error(`no CLI fixtures in ${CACHE_ROOT}: run npm run bench once`);
const manifest = JSON.parse(readFileSync(join(fxDir, "manifest.json"), "utf8"));

const runRoot = mkdtempSync(join(TMP, "planref-focus-"));
const ENV = isolatedEnv(makeHome(join(runRoot, "home")));
const pkg = join(runRoot, "pkg");
mkdirSync(pkg);
for (const d of ["bin", "dist"]) spawnSync("cp", ["-a", join(SRC, d), join(pkg, d)]);
const BIN = join(pkg, "bin", "planref");
let copies = 0;
const workCopy = (src, name) => {
  const dst = join(runRoot, `${name}-${++copies}`);
  if (spawnSync("cp", ["-al", src, dst]).status !== 0) throw new Error(`cp -al ${src}`);
  // A fixture cached by an older build may hold a cache this build does not read: warm it
  // (untimed), as the bench's own fixture builder does.
  rmSync(join(dst, ".git", "planref", "cache", "views"), { recursive: true, force: true });
  timed(process.execPath, [BIN, "status", "--json"], { cwd: dst });
  return dst;
};

const cpuFile = join(runRoot, "task-clock.csv");
const timed = (cmd, argv, { cwd, env = ENV, input } = {}) => {
  const [c, a] = cpu ? ["perf", ["stat", "-x,", "-e", "task-clock", "-o", cpuFile, cmd, ...argv]] : [cmd, argv];
  const t0 = performance.now();
  const r = spawnSync(c, a, { cwd, env, input, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"] });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} exited ${r.status}: ${r.stdout} ${r.stderr}`);
  const cpuMs = cpu ? Number(/^([\d.]+),[^,]*,task-clock/m.exec(readFileSync(cpuFile, "utf8"))?.[1]) : NaN;
  return { ms, cpuMs, stdout: r.stdout.toString("utf8") };
};
const prof = () => (profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
const pj = (argv, opts) => {
  const { ms, cpuMs, stdout } = timed(process.execPath, [...prof(), BIN, ...argv, "--json"], opts);
  const out = JSON.parse(stdout);
  if (!out.ok) throw new Error(`planref ${argv.join(" ")}: ${stdout.slice(0, 1000)}`);
  return { ms, cpuMs, data: out.data };
};
const nodeSamples = [];
const nodeCpu = [];
const node = () => {
  const t = timed(process.execPath, ["-e", "0"], { cwd: runRoot });
  nodeSamples.push(t.ms);
  nodeCpu.push(t.cpuMs);
};
const rows = [];
/** Samples are { ms, cpuMs } results. */
const row = (name, samples, target) => rows.push({ name, ...summarize(samples.map((x) => x.ms)), cpu: summarize(samples.map((x) => x.cpuMs)).median, target });

try {
  for (let i = 0; i < 3; i++) node();
  if (all || want.has("claims")) {
    const dir = workCopy(join(fxDir, "big"), "claims-big");
    const env = { ...ENV, PLANREF_ACTOR: "bench-agent" };
    const s = { claim: [], heartbeat: [], release: [] };
    for (let c = 0; c < Math.max(2, Math.round((ROUNDS * 2) / 3)); c++) {
      const task = manifest.big.ready[(c * 97 + 13) % manifest.big.ready.length];
      node();
      const cl = pj(["claim", task], { cwd: dir, env });
      if (cl.data.outcome !== "acquired") throw new Error(`claim ${task}: ${JSON.stringify(cl.data).slice(0, 300)}`);
      s.claim.push(cl);
      for (let h = 0; h < 6; h++) {
        if (h % 2 === 0) node();
        const hb = pj(["heartbeat", task], { cwd: dir, env });
        if (hb.data.epoch !== cl.data.claim.epoch) throw new Error("heartbeat epoch");
        s.heartbeat.push(hb);
      }
      s.release.push(pj(["release", task], { cwd: dir, env }));
    }
    row(`claim (${BIG_TASKS / 1000}k)`, s.claim, 3);
    row(`heartbeat (${BIG_TASKS / 1000}k)`, s.heartbeat, 3);
    row(`release (${BIG_TASKS / 1000}k)`, s.release);
  }
  if (all || want.has("hooks")) {
    for (const [name, src, ready] of [
      ["small", join(fxDir, "small"), manifest.small.areaTasks],
      [`${BIG_TASKS / 1000}k`, join(fxDir, "big"), manifest.big.ready],
    ]) {
      const dir = workCopy(src, `hooks-${name}`);
      const env = { ...ENV, PLANREF_ACTOR: "hook-agent" };
      const task = ready[7];
      const cl = pj(["claim", task, "--worktree"], { cwd: dir, env });
      const wt = cl.data.claim.worktree;
      const inScope = cl.data.claim.scope[0].replace(/\*\*.*$/, "bench-hook.ts").replace(/\*/g, "x");
      const common = { session_id: "bench-session", transcript_path: join(runRoot, "transcript.jsonl"), cwd: wt, permission_mode: "default" };
      const payloads = {
        PreToolUse: { ...common, hook_event_name: "PreToolUse", tool_name: "Write", tool_input: { file_path: join(wt, inScope), content: "x\n" } },
        PostToolUse: { ...common, hook_event_name: "PostToolUse", tool_name: "Bash", tool_input: { command: "npm test -- bench" }, tool_response: { stdout: "1 passed\n", stderr: "", interrupted: false, isImage: false } },
        SessionStart: { ...common, hook_event_name: "SessionStart", source: "startup" },
      };
      const hook = (event) => timed(process.execPath, [...prof(), BIN, "hook", "claude", event], { cwd: wt, env, input: JSON.stringify(payloads[event]) });
      const s = { PreToolUse: [], PostToolUse: [], SessionStart: [] };
      for (let i = 0; i < ROUNDS; i++) {
        node();
        const pre = hook("PreToolUse");
        if (pre.stdout.trim() !== "") throw new Error(`PreToolUse printed ${pre.stdout}`);
        s.PreToolUse.push(pre);
        const tip = gitText(["rev-parse", "refs/plan/state"], { cwd: dir, env: ENV });
        s.PostToolUse.push(hook("PostToolUse"));
        const n = Number(gitText(["rev-list", "--count", "refs/plan/state", `^${tip}`], { cwd: dir, env: ENV }));
        if (n !== 1) throw new Error(`PostToolUse made ${n} commits`);
        const ss = hook("SessionStart");
        if (!ss.stdout.includes(`hold task ${task}`)) throw new Error(`SessionStart said ${ss.stdout}`);
        s.SessionStart.push(ss);
      }
      if (existsSync(join(dir, ".git", "planref", "hooks.log"))) throw new Error("hooks logged problems");
      row(`hook PreToolUse (${name})`, s.PreToolUse, 2.5);
      row(`hook PostToolUse Bash (${name})`, s.PostToolUse, 2.5);
      row(`hook SessionStart (${name})`, s.SessionStart, 2.5);
    }
  }
  const base = summarize(nodeSamples).median;
  const baseCpu = summarize(nodeCpu).median;
  console.log(`${SRC}: node -e 0: ${fmtMs(base)} (n ${nodeSamples.length})${cpu ? `, cpu ${fmtMs(baseCpu)}` : ""}`);
  for (const r of rows) {
    const ratio = r.median / base;
    const verdict = r.target ? (ratio <= r.target ? "pass" : "FAIL") : "info";
    const cpuText = cpu ? `  cpu ${fmtMs(r.cpu).padStart(8)} ${(r.cpu / baseCpu).toFixed(2)}x` : "";
    console.log(`${r.name.padEnd(30)} median ${fmtMs(r.median).padStart(8)}  p90 ${fmtMs(r.p90).padStart(8)}  ${ratio.toFixed(2)}x${r.target ? ` (<= ${r.target}x ${verdict})` : ""}${cpuText}`);
  }
} finally {
  if (keep) console.log(`kept ${runRoot}`);
  else rmSync(runRoot, { recursive: true, force: true });
}
