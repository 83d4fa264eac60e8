// The board (`planref serve`) on a 2,000-task repository built through planref itself:
// `planref init`, a generated 2,000-task PRD imported and approved, readiness approved for
// READY dependency-free tasks and CLAIMED of them claimed by different agents. The server is
// the built binary; the page data (GET /api/board, what the page loads whenever the tip
// moved) is timed over loopback:
//
//   warm           repeated requests at an unchanged tip
//   after commit   the first request after a heartbeat moved the tip (the most common write;
//                  the task table is derived again, the waves are reused)
//   after claim    the first request after a claim: the planning inputs changed, so it is
//                  answered with the last waves while new ones are planned in the background;
//                  and the time until the re-planned waves are served (the page polls again)
//
// Called by bench/run.mjs (one section); `node bench/board-run.mjs` runs it alone.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { clearTimeout } from "node:timers";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { generatePrd } from "./prd.mjs";
import { git, gitText, summarize } from "./support.mjs";

export const BOARD_TASKS = 2000;
const READY = 40;
const CLAIMED = 8;
const WARM = 30;
const MOVES = 10;
const CLAIM_MOVES = 8;
const TIMEOUT = 180_000;

function cli(BIN, ENV, dir, args, actor = "bench-lead") {
  const r = spawnSync(process.execPath, [BIN, ...args, "--json"], { cwd: dir, env: { ...ENV, PLANREF_ACTOR: actor }, maxBuffer: 1 << 30, timeout: TIMEOUT });
  if (r.error) throw r.error;
  const out = JSON.parse(r.stdout.toString("utf8") || "null");
  if (r.status !== 0 || !out?.ok) throw new Error(`planref ${args.join(" ")} exited ${r.status}: ${r.stdout.toString().slice(0, 1000)} ${r.stderr.toString().slice(0, 1000)}`);
  return out.data;
}

/** Starts the built `planref serve --port 0` and resolves with its address once the banner is out. */
function startServer(BIN, ENV, dir, live) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], { cwd: dir, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.on("close", () => live.delete(child));
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`planref serve printed no address: ${out} ${err}`)), 30_000);
    child.stdout.on("data", (d) => {
      out += d;
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out)?.[1];
      if (url && out.includes("stop with Ctrl-C")) {
        clearTimeout(timer);
        resolve({ child, url, startMs: performance.now() - t0 });
      }
    });
    child.on("exit", (code) => reject(new Error(`planref serve exited ${code}: ${out} ${err}`)));
  });
}

/** One GET on a fresh connection: a kept-alive one may be closed by the server while the benchmark runs the CLI. */
function timedGet(url) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const ms = performance.now() - t0;
        const text = Buffer.concat(chunks).toString("utf8");
        const body = JSON.parse(text);
        if (!body.ok) reject(new Error(`GET ${url}: ${text.slice(0, 500)}`));
        else resolve({ ms, data: body.data, bytes: Buffer.byteLength(text) });
      });
    });
    req.on("error", reject);
  });
}

/** Sizes of the page's assets as built into dist/web/ (bytes, and gzipped). */
function assetSizes(BIN) {
  const dir = join(dirname(BIN), "..", "dist", "web");
  const out = {};
  for (const f of ["index.html", "board.js", "board.css"]) {
    const bytes = readFileSync(join(dir, f));
    out[f] = { bytes: statSync(join(dir, f)).size, gzip: gzipSync(bytes).length };
  }
  return out;
}

export async function runBoard({ BIN, ENV, runRoot, row, log, details, live, section = null, total = null }) {
  log(`\n[${section ?? "board"}${total ? `/${total}` : ""}] planref serve: page data for ${BOARD_TASKS} tasks (GET /api/board over loopback)`);
  const d = (details.board = {});
  const rows = [];
  const dir = join(runRoot, "board");
  git(["init", "-q", dir], { env: ENV });
  writeFileSync(join(dir, "README.md"), "# board\n");
  git(["add", "README.md"], { cwd: dir, env: ENV });
  git(["commit", "-q", "-m", "initial"], { cwd: dir, env: ENV });
  let t0 = performance.now();
  cli(BIN, ENV, dir, ["init", "--name", "board"]);
  const prd = generatePrd({ tasks: BOARD_TASKS, seed: 7, title: "Board plan" });
  const file = join(runRoot, "board-prd.md");
  writeFileSync(file, prd.text);
  cli(BIN, ENV, dir, ["spec", "import", file, "--id", "plan"]);
  cli(BIN, ENV, dir, ["spec", "review", "plan", "--approve"]);
  const free = prd.tasks.filter((t) => t.dependencies.length === 0).map((t) => `plan.${t.id}`);
  if (free.length < READY) throw new Error(`the generated PRD has only ${free.length} dependency-free tasks`);
  for (const task of free.slice(0, READY)) cli(BIN, ENV, dir, ["task", "review", task, "--approve"]);
  const holders = [];
  for (let k = 0; k < CLAIMED; k++) {
    cli(BIN, ENV, dir, ["claim", free[k]], `bench-agent-${k}`);
    holders.push({ task: free[k], actor: `bench-agent-${k}` });
  }
  d.buildSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  log(`  built: ${BOARD_TASKS} tasks imported and approved, ${READY} readiness-approved, ${CLAIMED} claimed, through the CLI in ${d.buildSeconds} s`);

  const { child, url, startMs } = await startServer(BIN, ENV, dir, live);
  try {
    const api = `${url}api/board`;
    // The server plans the waves in the background right after it starts: this request waits for that.
    const first = await timedGet(api);
    if (first.data.tasks.length !== BOARD_TASKS || first.data.claims.length !== CLAIMED) throw new Error(`page data: ${first.data.tasks.length} tasks, ${first.data.claims.length} claims`);
    d.startToAddressMs = Math.round(startMs);
    d.firstRequestMs = Math.round(first.ms);
    d.pageDataKiB = +(first.bytes / 1024).toFixed(1);
    d.pageDataGzipKiB = +(gzipSync(JSON.stringify({ ok: true, data: first.data })).length / 1024).toFixed(1);
    d.waves = first.data.waves.waves.length;
    d.assets = assetSizes(BIN);
    log(`  server printed its address in ${d.startToAddressMs} ms; first page data ${d.firstRequestMs} ms; ${d.pageDataKiB} KiB (${d.pageDataGzipKiB} KiB gzipped), ${d.waves} waves`);
    log(`  assets: ${Object.entries(d.assets).map(([f, s]) => `${f} ${s.bytes} B (${s.gzip} B gzipped)`).join(", ")}`);

    const warm = [];
    for (let i = 0; i < WARM; i++) warm.push((await timedGet(api)).ms);
    const tips = [];
    for (let i = 0; i < WARM; i++) tips.push((await timedGet(`${url}api/tip`)).ms);

    // A claim's first heartbeat also moves its task to in_progress (a planning change, like a
    // claim); every later one is the steady state this row measures.
    for (const h of holders) cli(BIN, ENV, dir, ["heartbeat", h.task], h.actor);
    await timedGet(api);
    const afterCommit = [];
    for (let i = 0; i < MOVES; i++) {
      const h = holders[i % holders.length];
      cli(BIN, ENV, dir, ["heartbeat", h.task], h.actor);
      const tip = gitText(["rev-parse", "refs/plan/state"], { cwd: dir, env: ENV });
      const r = await timedGet(api);
      if (r.data.tip !== tip) throw new Error(`after a heartbeat the board served ${r.data.tip}, the tip is ${tip}`);
      afterCommit.push(r.ms);
    }
    const afterClaim = [];
    const replanned = [];
    for (let i = 0; i < CLAIM_MOVES; i++) {
      const task = free[CLAIMED + i];
      cli(BIN, ENV, dir, ["claim", task], `bench-late-${i}`);
      const t1 = performance.now();
      let r = await timedGet(api);
      if (!r.data.claims.some((c) => c.task === task)) throw new Error(`after claiming ${task} the board does not show the claim`);
      afterClaim.push(r.ms);
      // The page asks again on its next poll while the waves it got are being re-planned.
      while (!r.data.wavesCurrent) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        r = await timedGet(api);
      }
      if (!r.data.waves.inFlight.includes(task)) throw new Error(`re-planned waves do not hold ${task} in flight`);
      replanned.push(performance.now() - t1);
    }
    const target = { targetText: "< 300 ms", target: (s) => s.median < 300 };
    rows.push(row(`board: page data, ${BOARD_TASKS} tasks, warm`, warm, target));
    rows.push(row(`board: page data, first request after a heartbeat`, afterCommit, target));
    rows.push(row(`board: page data, first request after a claim (last waves; re-plan in background)`, afterClaim, target));
    rows.push(row("board: after a claim, until the re-planned waves are served", replanned, { targetText: "< 2 s", target: (s) => s.p90 < 2000 }));
    rows.push(row("board: GET /api/tip (the page polls it every second)", tips));
    d.warm = summarize(warm);
    d.afterCommit = summarize(afterCommit);
    d.afterClaim = summarize(afterClaim);
    d.untilReplanned = summarize(replanned);
  } finally {
    child.kill("SIGTERM");
  }
  return rows;
}
