// One simulated agent for the multi-agent benchmark: a process with its own PLANREF_ACTOR
// (set by the parent) that drives the real CLI the way an agent does. It says "ready", waits
// for "go" on stdin, then: `planref next --json`, `planref claim <candidate> --json` (several
// agents may race for the same candidate: a lost race is a CLAIM_CONFLICT or
// INVALID_TRANSITION, and the agent asks `next` again), `heartbeats` x `planref heartbeat
// <task> --json`, then `planref release <task> --json`. Prints one JSON line with what happened.
//
//   node bench/agent.mjs <bin/planref> <repo> <heartbeats>
import { spawnSync } from "node:child_process";

const [bin, repo, heartbeatsText] = process.argv.slice(2);
const heartbeats = Number(heartbeatsText);
const actor = process.env.PLANREF_ACTOR;

function planref(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args, "--json"], { cwd: repo, env: process.env, maxBuffer: 1 << 28, timeout: 120_000 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  let out;
  try {
    out = JSON.parse(r.stdout.toString("utf8"));
  } catch {
    throw new Error(`planref ${args.join(" ")} (${actor}) printed no JSON, exit ${r.status}: ${r.stdout}${r.stderr}`);
  }
  return { status: r.status, out, ms };
}

process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));

const started = performance.now();
const lat = { next: [], claim: [], heartbeat: [], release: [] };
const lostRaces = [];
let task = null;
let epoch = null;
for (let attempt = 0; attempt < 20 && task === null; attempt++) {
  const n = planref(["next"]);
  lat.next.push(n.ms);
  if (n.status !== 0) throw new Error(`next (${actor}): ${JSON.stringify(n.out)}`);
  const candidate = n.out.data.candidate?.id;
  if (!candidate) throw new Error(`next (${actor}) found nothing: ${n.out.data.reason}`);
  const c = planref(["claim", candidate]);
  lat.claim.push(c.ms);
  if (c.status === 0) {
    task = candidate;
    epoch = c.out.data.claim.epoch;
  } else if (c.out.error && ["CLAIM_CONFLICT", "INVALID_TRANSITION"].includes(c.out.error.code)) {
    lostRaces.push(`${candidate}: ${c.out.error.code}`);
  } else {
    throw new Error(`claim ${candidate} (${actor}): ${JSON.stringify(c.out)}`);
  }
}
if (task === null) throw new Error(`${actor} lost 20 races in a row: ${lostRaces.join(", ")}`);
for (let i = 0; i < heartbeats; i++) {
  const h = planref(["heartbeat", task]);
  lat.heartbeat.push(h.ms);
  if (h.status !== 0 || h.out.data.epoch !== epoch) throw new Error(`heartbeat ${task} (${actor}, epoch ${epoch}): ${JSON.stringify(h.out)}`);
}
const r = planref(["release", task]);
lat.release.push(r.ms);
if (r.status !== 0) throw new Error(`release ${task} (${actor}): ${JSON.stringify(r.out)}`);
process.stdout.write(`${JSON.stringify({ actor, task, epoch, lostRaces, ms: performance.now() - started, lat })}\n`);
