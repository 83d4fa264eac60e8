// One soak agent: a long-running process that works the plan the way a coding agent does,
// through the library in-process and, for a share of its operations, through the real CLI.
// It loops over random operations (claim from next or from the ready list, heartbeat,
// evidence, submit, release, sync, reviews) until the stop file exists, and may be SIGKILLed
// at any moment by the soak driver.
//
// Every acknowledged write is appended to the agent's journal and fsynced before the agent
// does anything else, so a kill after the acknowledgement still leaves it on record. Expected
// refusals under contention are journaled as outcomes; anything else is journaled as fatal
// and the process exits 1.
//
//   node test/soak/agent.mjs '<json config>'   (see soak.mjs: startAgent)
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
// Copied beside this file by soak.mjs (the run uses copies, not the working tree).
import { mulberry32 } from "./prng.mjs";

const cfg = JSON.parse(process.argv[2]);
const { openProject } = await import(pathToFileURL(join(cfg.pkg, "dist", "lib.js")).href);
const BIN = join(cfg.pkg, "bin", "planref");

/** Refusals that concurrent agents cause each other; counted, never fatal. */
const EXPECTED = new Set(["CLAIM_CONFLICT", "LEASE_LOST", "INVALID_TRANSITION", "GATE_REFUSED", "REF_CONFLICT", "REF_LOCKED"]);
/**
 * Failures the soak found whose reproducer is a test of its own: journaled as known and
 * reported in the summary, so that a long run goes on to look for something else.
 */
const KNOWN = [
  // A clone with a backlog cannot sync while the other keeps syncing: the sync gives up, and
  // other syncs of that clone give up waiting for its lock.
  { code: "SYNC_RETRIES", reproducer: "test/soak/sync-backlog.test.ts" },
  { code: "REMOTE_FAILED", message: /planref sync has held .*sync\.lock for over/, reproducer: "test/soak/sync-backlog.test.ts" },
];
const knownAs = (e) => KNOWN.find((k) => k.code === e.code && (!k.message || k.message.test(String(e.message))))?.reproducer;
/** The CLI's exit code for each expected refusal (docs/errors.md). */
const EXIT_OF = { CLAIM_CONFLICT: 3, LEASE_LOST: 3, INVALID_TRANSITION: 3, REF_CONFLICT: 3, REF_LOCKED: 3, GATE_REFUSED: 6, SYNC_RETRIES: 7, REMOTE_FAILED: 7 };

const journalFd = openSync(cfg.journal, "a");
function journal(record, durable) {
  writeSync(journalFd, `${JSON.stringify({ t: Date.now(), agent: cfg.actor, clone: cfg.clone, ...record })}\n`);
  if (durable) fsyncSync(journalFd);
}

const rand = mulberry32(cfg.seed);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Fatal extends Error {}

/** The real binary, one process per call, as an agent's tool call would run it. */
function cli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, "--json"], { cwd: process.cwd(), env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      let json = null;
      try {
        json = JSON.parse(out);
      } catch {
        /* reported below */
      }
      if (!json) return reject(new Fatal(`planref ${args.join(" ")} printed no JSON (exit ${code}, signal ${signal}): ${out.slice(0, 500)} ${err.slice(0, 1500)}`));
      if (json.ok) {
        if (code !== 0) return reject(new Fatal(`planref ${args.join(" ")} said ok with exit ${code}`));
        return resolve(json.data);
      }
      const e = new Error(json.error.message);
      e.code = json.error.code;
      e.details = json.error.details;
      const want = EXIT_OF[e.code];
      if (want !== undefined && want !== code) return reject(new Fatal(`planref ${args.join(" ")} failed with ${e.code} but exit ${code} (want ${want})`));
      reject(e);
    });
  });
}

const p = openProject({ cwd: process.cwd(), env: process.env, actor: cfg.actor, kind: "agent" });
const useCli = () => rand() < cfg.cliShare;

/** A read: it must never fail, whatever the writers do meanwhile. */
async function read(op, fn) {
  try {
    return await fn();
  } catch (e) {
    throw fatal(op, null, e);
  }
}

/** The claim this agent works under, as it believes: {task, epoch}. */
let held = null;

function fatal(op, task, e) {
  journal({ op, task, fatal: true, code: e?.code ?? null, message: String(e?.message ?? e), stack: String(e?.stack ?? "").slice(0, 2000) }, true);
  return Object.assign(new Fatal(`${op}${task ? ` ${task}` : ""}: ${e?.code ?? ""} ${e?.message ?? e}`), { journaled: true });
}

/** A write: expected refusals are journaled and returned, anything else is fatal. */
async function attempt(op, task, fn) {
  const t0 = performance.now();
  try {
    const r = await fn();
    return { ok: true, r, ms: performance.now() - t0 };
  } catch (e) {
    if (!(e instanceof Fatal) && typeof e?.code === "string" && knownAs(e)) {
      journal({ op, task, code: e.code, known: knownAs(e), message: e.message, ms: Math.round(performance.now() - t0) }, true);
      return { ok: false, code: e.code };
    }
    if (e instanceof Fatal || !e || typeof e.code !== "string" || !EXPECTED.has(e.code)) throw fatal(op, task, e);
    journal({ op, task, code: e.code, ms: Math.round(performance.now() - t0) }, false);
    return { ok: false, code: e.code };
  }
}

function ack(op, fields) {
  // The acknowledgement is on disk before anything else happens.
  journal({ op, ack: true, ...fields }, true);
}

async function doClaim(task) {
  const via = useCli() ? "cli" : "lib";
  const res = await attempt("claim", task, () => (via === "cli" ? cli(["claim", task]) : p.claim({ task })));
  if (!res.ok) return;
  const { r } = res;
  ack("claim", { task, epoch: r.claim.epoch, commit: r.commit, outcome: r.outcome, via, ms: Math.round(res.ms) });
  held = { task, epoch: r.claim.epoch };
}

async function doHeartbeat() {
  const { task, epoch } = held;
  const via = useCli() ? "cli" : "lib";
  const withEpoch = rand() < 0.8;
  const res = await attempt("heartbeat", task, () =>
    via === "cli" ? cli(["heartbeat", task, ...(withEpoch ? ["--epoch", String(epoch)] : [])]) : p.heartbeat({ task, ...(withEpoch ? { epoch } : {}) }),
  );
  if (!res.ok) return lost(res.code);
  ack("heartbeat", { task, epoch: res.r.epoch, commit: res.r.commit, via, ms: Math.round(res.ms) });
}

async function doEvidence() {
  const { task, epoch } = held;
  const exitCode = rand() < 0.8 ? 0 : 1;
  const output = `${pick(["PASS", "ok", "FAIL"])} ${Math.floor(rand() * 1e6)} tests\n`;
  const durationMs = Math.floor(rand() * 5000);
  const outcome = { exitCode, durationMs, output, outputSha256: createHash("sha256").update(output).digest("hex"), outputBytes: Buffer.byteLength(output) };
  const res = await attempt("evidence", task, () =>
    p.addEvidence({ task, epoch, kind: "command", capturedBy: "agent", command: pick(["npm test", "npm run lint", "make check", "pytest -q"]), outcome, cwd: process.cwd(), startedAt: new Date(Date.now() - durationMs) }),
  );
  if (!res.ok) return lost(res.code);
  ack("evidence", { task, epoch: res.r.evidence.epoch, commit: res.r.commit, via: "lib", ms: Math.round(res.ms) });
}

async function doSubmit() {
  const { task, epoch } = held;
  const via = useCli() ? "cli" : "lib";
  const summary = `soak work on ${task} by ${cfg.actor}`;
  const res = await attempt("submit", task, () =>
    via === "cli" ? cli(["submit", task, "--summary", summary, "--command", "npm test", "--epoch", String(epoch)]) : p.submit({ task, epoch, summary, commands: ["npm test"] }),
  );
  if (!res.ok) return lost(res.code);
  ack("submit", { task, epoch, commit: res.r.commit, via, ms: Math.round(res.ms) });
  // A submitted task waits for review; the agent either lets its claim go or just moves on.
  if (rand() < 0.5) await doRelease();
  else held = null;
}

async function doRelease() {
  const { task, epoch } = held;
  const via = useCli() ? "cli" : "lib";
  const res = await attempt("release", task, () => (via === "cli" ? cli(["release", task, "--epoch", String(epoch)]) : p.release({ task, epoch })));
  held = null;
  if (!res.ok) return;
  ack("release", { task, epoch, commit: res.r.commit, via, ms: Math.round(res.ms) });
}

function lost(code) {
  // Lease lost (taken over, expired, force-released, or a sync recorded a conflict), or the
  // task moved on (a review rejected it): this agent no longer works on it.
  if (code === "LEASE_LOST" || code === "INVALID_TRANSITION") held = null;
}

async function doSync() {
  const via = useCli() ? "cli" : "lib";
  // Marked at the start, so the driver can tell syncs cut short by a kill from finished ones.
  journal({ op: "sync-begin", via }, false);
  const res = await attempt("sync", null, () => (via === "cli" ? cli(["sync"]) : p.sync()));
  if (!res.ok) return;
  const r = res.r;
  ack("sync", { tip: r.tip, fetched: r.fetched, action: r.action, replayed: r.replayed, pending: r.pending ?? 0, conflicts: r.conflicts.map((c) => ({ commit: c.commit, op: c.op, code: c.code, actor: c.actor })), via, ms: Math.round(res.ms) });
}

async function tasksIn(status) {
  return (await read("list", () => p.listTasks({ status: [status] }))).map((t) => t.id);
}

async function doReview() {
  const submitted = await tasksIn("submitted");
  if (submitted.length === 0) return;
  const task = pick(submitted);
  const x = rand();
  const verdict = x < 0.6 ? "request-changes" : x < 0.9 ? "reject" : "approve";
  const via = useCli() ? "cli" : "lib";
  const res = await attempt("review", task, () => (via === "cli" ? cli(["review", task, `--${verdict}`, "--note", "soak review"]) : p.review({ task, verdict, note: "soak review" })));
  if (!res.ok) return;
  ack("review", { task, verdict, status: res.r.status, commit: res.r.commit, via, ms: Math.round(res.ms) });
}

async function doReadiness() {
  const drafts = await tasksIn("draft");
  if (drafts.length === 0) return;
  const task = pick(drafts);
  const res = await attempt("readiness", task, () => p.reviewTask({ task, verdict: "approve" }));
  if (!res.ok) return;
  ack("readiness", { task, commit: res.r.commit, via: "lib", ms: Math.round(res.ms) });
}

async function doApply() {
  const accepted = await tasksIn("accepted");
  if (accepted.length === 0) return;
  const task = pick(accepted);
  const res = await attempt("apply", task, () => p.apply({ task }));
  if (!res.ok) return;
  if (res.r.applied) ack("apply", { task, commit: res.r.commit, via: "lib", ms: Math.round(res.ms) });
  else journal({ op: "apply", task, code: "NOT_APPLIED" }, false);
}

async function doForceRelease() {
  const s = await read("status", () => p.status());
  const others = s.claims.filter((c) => c.holder !== cfg.actor);
  if (others.length === 0) return;
  const c = pick(others);
  const res = await attempt("force-release", c.task, () => p.release({ task: c.task, force: true, reason: "soak: taking it back" }));
  if (!res.ok) return;
  ack("force-release", { task: c.task, holder: res.r.holder, commit: res.r.commit, via: "lib", ms: Math.round(res.ms) });
}

async function doClaimSomething() {
  let task = null;
  if (rand() < 0.65) {
    const n = await read("next", () => p.next());
    task = n.candidate?.id ?? null;
  } else {
    const s = await read("status", () => p.status());
    if (s.ready.length) task = pick(s.ready);
  }
  if (task) await doClaim(task);
  else journal({ op: "claim", code: "NOTHING_READY" }, false);
}

async function step() {
  const x = rand();
  if (held) {
    if (x < 0.3) return doHeartbeat();
    if (x < 0.6) return doEvidence();
    if (x < 0.7) return doSubmit();
    if (x < 0.78) return doRelease();
    if (x < 0.88) return doSync();
    if (x < 0.93) return read("status", () => p.status());
    return sleep(300 + rand() * 1200);
  }
  if (x < 0.62) return doClaimSomething();
  if (x < 0.7) return doSync();
  if (x < 0.84) return doReview();
  if (x < 0.91) return doReadiness();
  if (x < 0.94) return doApply();
  if (x < 0.96) return doForceRelease();
  return read("status", () => p.status());
}

try {
  // A restarted agent finds the claims it held before it was killed: it takes one up again
  // or abandons them to expire (another agent then takes the task over with a new epoch).
  const s = await read("status", () => p.status());
  const mine = s.claims.filter((c) => c.holder === cfg.actor && c.state !== "stale");
  if (mine.length > 0 && rand() < 0.5) held = { task: mine[0].task, epoch: mine[0].epoch };
  journal({ op: "start", pid: process.pid, startupMs: Math.round(process.uptime() * 1000), resumed: held, abandoned: mine.filter((c) => c.task !== held?.task).map((c) => c.task) }, true);
  while (!existsSync(cfg.stopFile)) {
    await step();
    await sleep(cfg.pauseMs[0] + rand() * (cfg.pauseMs[1] - cfg.pauseMs[0]));
  }
  journal({ op: "stop" }, true);
  await p.close();
  closeSync(journalFd);
} catch (e) {
  if (!e?.journaled) journal({ op: "crash", fatal: true, message: String(e?.message ?? e), stack: String(e?.stack ?? "").slice(0, 2000) }, true);
  process.stderr.write(`${cfg.actor}: ${e?.stack ?? e}\n`);
  process.exit(1);
}
