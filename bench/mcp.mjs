// The MCP front end (`planref mcp`), driven the way an agent's client drives it: the SDK's own
// Client over StdioClientTransport, spawning the built binary.
//
//   start    spawn `node bin/planref mcp` -> initialize -> tools/list answered, in the small
//            repository and at 10,000 tasks (the CLI fixtures), interleaved with `node -e 0`;
//            the server's CPU time until initialize is answered (from /proc, against node's
//            own start-up: much less sensitive to a busy machine than wall time); at 10,000
//            tasks the first call right after tools/list
//   warm     one server at 10,000 tasks, kept open: planref_status, planref_next and
//            planref_task_show at an unchanged tip (next to a call refused by argument
//            validation: the protocol's round trip), then planref_heartbeat on a task the
//            server's actor claimed (one commit each)
//   moved    the same reads as the first call after another agent's server committed (a
//            heartbeat): the server re-reads the ref before every call, so this is what
//            a read costs when other agents are working
//
// The client's own start (importing the SDK) is not timed; everything after the spawn is.
// Called by bench/run.mjs (one section); `node bench/mcp-run.mjs` runs it alone.
// PLANREF_MCP_PROFILE=<dir> starts the servers with --cpu-prof (profiles written on exit).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BIG_TASKS } from "./cli-fixtures.mjs";
import { checkClaimHistory } from "./capabilities.mjs";
import { ROOT, gitText, summarize } from "./support.mjs";

const SDK = join(ROOT, "node_modules", "@modelcontextprotocol", "sdk", "dist", "esm", "client");
const START_ROUNDS = 10;
const CALLS = 50;
const WARMUP = 5;
const MOVES = 8;
const TIMEOUT = 120_000;
const ACTOR = "bench-mcp";
const OTHER = "bench-mcp-other";

/** CPU time (user + sys, all threads) a live process has used so far, from /proc; null elsewhere. */
const TICK_MS = 1000 / (Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100);
function cpuMsOf(pid) {
  if (!existsSync(`/proc/${pid}/stat`)) return null;
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

export async function runMcp({ BIN, ENV, runRoot, cliFx, row, workCopy, log, details, live, section = null, total = null, rounds = START_ROUNDS, calls = CALLS }) {
  const { Client } = await import(pathToFileURL(join(SDK, "index.js")).href);
  const { StdioClientTransport } = await import(pathToFileURL(join(SDK, "stdio.js")).href);
  const profileDir = process.env.PLANREF_MCP_PROFILE;
  const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const d = (details.mcp = {});
  const rows = [];
  const add = (r) => (rows.push(r), r);

  const nodeSamples = [];
  const node = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ["-e", "0"], { cwd: runRoot, env: ENV, stdio: "ignore" });
    if (r.status !== 0) throw new Error(`node -e 0 exited ${r.status}`);
    nodeSamples.push(performance.now() - t0);
  };
  const vsNode = (targetText, target) => ({ baseline: summarize(nodeSamples).median, baselineName: "node -e 0", targetText, target });
  // CPU time is far less sensitive to a busy machine than wall time: node's own start-up,
  // read the same way as the server's (a process that started and waits on stdin).
  const nodeCpu = [];
  const sampleNodeCpu = async () => {
    const c = spawn(process.execPath, ["-e", "process.stdout.write('.'); process.stdin.resume()"], { cwd: runRoot, env: ENV, stdio: ["pipe", "pipe", "ignore"] });
    await new Promise((resolve, reject) => (c.stdout.once("data", resolve), c.once("error", reject)));
    const ms = cpuMsOf(c.pid);
    c.stdin.end();
    await new Promise((resolve) => c.once("close", resolve));
    if (ms !== null) nodeCpu.push(ms);
  };

  /** Spawns `planref mcp` in `dir` and completes initialize + tools/list; returns the open session and the time it took. */
  async function start(dir, actor = ACTOR) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...nodeArgs, BIN, "mcp"],
      cwd: dir,
      env: { ...ENV, PLANREF_ACTOR: actor },
      stderr: "pipe",
    });
    let err = "";
    transport.stderr?.on("data", (c) => (err += c));
    const client = new Client({ name: "planref-bench", version: "0" });
    const t0 = performance.now();
    await client.connect(transport, { timeout: TIMEOUT });
    // Read before tools/list: once the tools are listed the server starts loading the project code.
    const pid = transport.pid;
    const cpuMs = cpuMsOf(pid);
    const listed = await client.listTools(undefined, { timeout: TIMEOUT });
    const ms = performance.now() - t0;
    // The benchmark's finally kills whatever is still running when it stops.
    const handle = { exitCode: null, signalCode: null, kill: (sig) => process.kill(pid, sig) };
    transport.onclose = ((prev) => () => {
      handle.exitCode = 0;
      live.delete(handle);
      prev?.();
    })(transport.onclose);
    live.add(handle);
    if (listed.tools.length < 10 || !listed.tools.some((t) => t.name === "planref_heartbeat")) throw new Error(`tools/list: ${JSON.stringify(listed).slice(0, 500)}`);
    /** One tool call, timed; the envelope must be ok (or, with `refused`, a USAGE error). */
    const call = async (name, args = {}, { refused = false } = {}) => {
      const t1 = performance.now();
      const r = await client.callTool({ name, arguments: args }, undefined, { timeout: TIMEOUT });
      const callMs = performance.now() - t1;
      const env = JSON.parse(r.content?.[0]?.text ?? "null");
      const ok = refused ? r.isError && env?.error?.code === "USAGE" : !r.isError && env?.ok;
      if (!ok) throw new Error(`${name} ${JSON.stringify(args)}: ${JSON.stringify(env ?? r).slice(0, 800)}\n${err.slice(-2000)}`);
      return { ms: callMs, data: env.data };
    };
    return { ms, cpuMs, call, stderr: () => err, close: () => client.close() };
  }

  const big = cliFx.manifest.big;
  const bigDir = workCopy(cliFx.big, "mcp-big");
  const smallDir = workCopy(cliFx.small, "mcp-small");

  // ---- start: spawn -> initialize -> tools/list ----
  log(`\n[${section ?? "mcp"}${total ? `/${total}` : ""}] planref mcp: start + initialize + tools/list (small, ${BIG_TASKS / 1000}k); warm tool calls at ${BIG_TASKS / 1000}k tasks`);
  for (let i = 0; i < 3; i++) node(); // warm the page cache
  {
    const s = { small: [], big: [], firstCall: [] };
    const cpu = { small: [], big: [] };
    // One untimed start each first: the first spawn of a new build reads it from disk.
    for (const dir of [smallDir, bigDir]) await (await start(dir)).close();
    for (let i = 0; i < rounds; i++) {
      node();
      await sampleNodeCpu();
      for (const [name, dir] of [
        ["small", smallDir],
        ["big", bigDir],
      ]) {
        const session = await start(dir);
        s[name].push(session.ms);
        if (session.cpuMs !== null) cpu[name].push(session.cpuMs);
        // At 10k, the first call right after tools/list: it finds the project code still
        // loading (the server defers it past the handshake) and opens the project.
        if (name === "big") {
          const r = await session.call("planref_status");
          if (r.data.tasks?.total !== BIG_TASKS) throw new Error(`status: ${JSON.stringify(r.data.tasks)}`);
          s.firstCall.push(r.ms);
        }
        await session.close();
      }
    }
    const target = vsNode("<= 400 ms", (st) => st.median <= 400);
    add(row("baseline: node -e 0 (mcp section)", nodeSamples));
    add(row("planref mcp: start + initialize + tools/list (small)", s.small, target));
    add(row(`planref mcp: start + initialize + tools/list (${BIG_TASKS / 1000}k tasks)`, s.big, target));
    add(row(`planref mcp: first planref_status, right after tools/list (${BIG_TASKS / 1000}k tasks)`, s.firstCall));
    if (nodeCpu.length && cpu.small.length) {
      const cpuBase = { baseline: summarize(nodeCpu).median, baselineName: "node -e 0 CPU" };
      add(row("  CPU time (user+sys) of node -e 0, started", nodeCpu));
      add(row("  CPU time of planref mcp until initialize answered (small)", cpu.small, cpuBase));
      add(row(`  CPU time of planref mcp until initialize answered (${BIG_TASKS / 1000}k tasks)`, cpu.big, cpuBase));
    }
    d.start = { small: summarize(s.small), big: summarize(s.big), firstStatus: summarize(s.firstCall), nodeMedianMs: summarize(nodeSamples).median, cpuMs: { node: nodeCpu, small: cpu.small, big: cpu.big } };
  }

  // ---- warm: one server at 10,000 tasks ----
  {
    const session = await start(bigDir);
    const other = await start(bigDir, OTHER);
    try {
      const before = gitText(["rev-parse", "refs/plan/state"], { cwd: bigDir, env: ENV });
      const mine = big.ready[(13 * 97 + 5) % big.ready.length];
      const theirs = big.ready[(29 * 97 + 3) % big.ready.length];
      const showIds = big.ready.filter((_, i) => i % 25 === 0);
      // The first call opens the project (reads the snapshot cache), the next ones are warm.
      const first = { status: (await session.call("planref_status")).ms };
      first.next = (await session.call("planref_next")).ms;
      first.taskShow = (await session.call("planref_task_show", { task: showIds[0] })).ms;
      const cl = await session.call("planref_claim", { task: mine });
      if (cl.data.outcome !== "acquired") throw new Error(`claim ${mine}: ${JSON.stringify(cl.data).slice(0, 500)}`);
      first.claim = cl.ms;
      const cl2 = await other.call("planref_claim", { task: theirs });
      if (cl2.data.outcome !== "acquired") throw new Error(`claim ${theirs}: ${JSON.stringify(cl2.data).slice(0, 500)}`);
      const epoch = cl.data.claim.epoch;

      const reads = {
        status: async () => {
          const r = await session.call("planref_status");
          if (r.data.tasks?.total !== BIG_TASKS) throw new Error(`status: ${JSON.stringify(r.data.tasks)}`);
          return r.ms;
        },
        next: async () => {
          const r = await session.call("planref_next");
          if (!r.data.candidate?.id) throw new Error(`next found nothing: ${JSON.stringify(r.data).slice(0, 500)}`);
          return r.ms;
        },
        taskShow: async (i) => {
          const id = showIds[i % showIds.length];
          const r = await session.call("planref_task_show", { task: id });
          if (r.data.task?.id !== id) throw new Error(`task_show ${id}: ${JSON.stringify(r.data).slice(0, 300)}`);
          return r.ms;
        },
      };
      const s = { refused: [], status: [], next: [], taskShow: [], heartbeat: [] };
      // Reads at an unchanged tip, round-robin, with the protocol's floor: a call refused by
      // argument validation before any use case runs.
      for (let i = 0; i < WARMUP + calls; i++) {
        const ms = (await session.call("planref_task_show", { task: showIds[0], bogus: 1 }, { refused: true })).ms;
        if (i >= WARMUP) s.refused.push(ms);
        for (const [k, f] of Object.entries(reads)) {
          const ms = await f(i);
          if (i >= WARMUP) s[k].push(ms);
        }
      }
      // Heartbeats on the server's own claim: one commit each.
      for (let i = 0; i < WARMUP + calls; i++) {
        const r = await session.call("planref_heartbeat", { task: mine });
        if (r.data.task !== mine || r.data.epoch !== epoch) throw new Error(`heartbeat: ${JSON.stringify(r.data)}`);
        if (i >= WARMUP) s.heartbeat.push(r.ms);
      }
      // Reads right after another agent's server committed (its heartbeat), each read once per move.
      const moved = { status: [], next: [], taskShow: [] };
      for (let i = 0; i < MOVES; i++) {
        for (const k of Object.keys(moved)) {
          await other.call("planref_heartbeat", { task: theirs });
          moved[k].push(await reads[k](i));
        }
      }
      const hist = checkClaimHistory(bigDir, ENV, before);
      const wantBeats = WARMUP + calls + MOVES * 3;
      if (hist.violations.length || hist.counts.claim !== 2 || hist.counts.heartbeat !== wantBeats || hist.counts.commits !== 2 + wantBeats) {
        throw new Error(`the calls left an unexpected history: ${JSON.stringify(hist).slice(0, 1000)}`);
      }
      const target = { targetText: "median <= 20 ms", target: (st) => st.median <= 20 };
      const k = `${BIG_TASKS / 1000}k`;
      add(row(`planref mcp: a call refused by argument validation (protocol round trip)`, s.refused));
      add(row(`planref mcp: planref_status, warm server (${k})`, s.status, target));
      add(row(`planref mcp: planref_next, warm server (${k})`, s.next, target));
      add(row(`planref mcp: planref_task_show, warm server (${k})`, s.taskShow, target));
      add(row(`planref mcp: planref_heartbeat, warm server (${k})`, s.heartbeat, target));
      add(row(`planref mcp: planref_status, first after another agent's commit (${k})`, moved.status));
      add(row(`planref mcp: planref_next, first after another agent's commit (${k})`, moved.next));
      add(row(`planref mcp: planref_task_show, first after another agent's commit (${k})`, moved.taskShow));
      d.warm = Object.fromEntries(Object.entries(s).map(([name, v]) => [name, summarize(v)]));
      d.moved = Object.fromEntries(Object.entries(moved).map(([name, v]) => [name, summarize(v)]));
      d.firstCallsMs = Object.fromEntries(Object.entries(first).map(([name, v]) => [name, Math.round(v)]));
      d.calls = { n: calls, warmup: WARMUP, moves: MOVES, claimed: mine };
      log(`  first calls on a new server: ${Object.entries(d.firstCallsMs).map(([name, v]) => `${name} ${v} ms`).join(", ")}`);
    } finally {
      await session.close();
      await other.close();
    }
  }
  return rows;
}
