// The soak's invariants, checked from git's side after every agent has stopped and both
// clones have synced. Each check returns { name, ok, detail, problems[] }.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export function git(dir, env, args, input) {
  const r = spawnSync("git", args, { cwd: dir, env, input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} in ${dir} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function tipOf(dir, env) {
  const r = spawnSync("git", ["rev-parse", "--verify", "-q", "refs/plan/state"], { cwd: dir, env, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** `git cat-file --batch` over many object names; null for missing ones. */
function catBatch(dir, env, names) {
  if (names.length === 0) return [];
  const r = spawnSync("git", ["cat-file", "--batch"], { cwd: dir, env, input: `${names.join("\n")}\n`, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git cat-file --batch failed: ${r.stderr}`);
  const out = r.stdout;
  const result = [];
  let i = 0;
  for (let n = 0; n < names.length; n++) {
    const nl = out.indexOf(0x0a, i);
    const header = out.subarray(i, nl).toString("latin1");
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
      result.push(null);
      i = nl + 1;
      continue;
    }
    const size = Number(header.split(" ")[2]);
    result.push(out.subarray(nl + 1, nl + 1 + size).toString("utf8"));
    i = nl + 1 + size + 1;
  }
  return result;
}

const TRAILERS = ["Op", "Actor", "Task", "Epoch", "Replayed-From", "Conflict-Code"];
const NULL_OID = "0".repeat(40);

/**
 * The first-parent history of refs/plan/state, oldest first: each commit with its parents,
 * author time, planref trailers and the claim documents it changed (old and new blob).
 */
export function readHistory(dir, env) {
  const fmt = `%x1e%H%x1f%P%x1f%at%x1f${TRAILERS.map((k) => `%(trailers:key=Planref-${k},valueonly,separator=%x2C)`).join("%x1f")}%x1f`;
  const out = git(dir, env, ["log", "--first-parent", "--reverse", "--no-renames", "--raw", "--no-abbrev", `--format=${fmt}`, "refs/plan/state"]);
  const commits = [];
  for (const rec of out.split("\x1e").slice(1)) {
    const fields = rec.split("\x1f");
    const [commit, parents, at, op, actor, task, epoch, replayedFrom, conflictCode] = fields.map((f) => f.trim());
    const raw = fields[fields.length - 1] ?? "";
    const claimChanges = [];
    for (const line of raw.split("\n")) {
      const m = /^:\d+ \d+ ([0-9a-f]{40}) ([0-9a-f]{40}) \w+\t(.+)$/.exec(line);
      if (m && m[3].startsWith("claims/")) claimChanges.push({ path: m[3], oldBlob: m[1] === NULL_OID ? null : m[1], newBlob: m[2] === NULL_OID ? null : m[2] });
    }
    commits.push({
      commit,
      parents: parents ? parents.split(" ") : [],
      at: Number(at) * 1000,
      op,
      actor,
      task,
      epoch: epoch === "" ? null : Number(epoch),
      replayedFrom: replayedFrom || null,
      conflictCode: conflictCode || null,
      claimChanges,
    });
  }
  return commits;
}

const FENCED = new Set(["heartbeat", "evidence", "submit", "release"]);
const iso = (t) => new Date(t).toISOString();

/**
 * Claims through history. Claims are one document per task, so "two live claims on one task"
 * can only happen as an epoch granted while the previous one was still live. At every commit:
 *  - a claim document's epoch never decreases, and a new epoch is exactly the previous + 1,
 *    granted (acquiredAt) only once the previous claim had ended or gone stale;
 *  - within one epoch the holder and acquiredAt never change and an ended claim never lives again;
 *  - every fenced operation (heartbeat, evidence, submit, release) names the epoch and actor of
 *    the claim live at its parent, not stale at the operation's time.
 */
export function checkClaimHistory(dir, env, commits, skewSeconds) {
  const blobs = [...new Set(commits.flatMap((c) => c.claimChanges.flatMap((x) => [x.oldBlob, x.newBlob]).filter(Boolean)))];
  const texts = catBatch(dir, env, blobs);
  const docs = new Map(blobs.map((b, i) => [b, texts[i] === null ? null : parse(texts[i])]));
  const current = new Map(); // task -> claim doc at the commit being walked
  const problems = [];
  let transitions = 0;
  let newEpochs = 0;
  let takeovers = 0;
  let fencedChecked = 0;
  const skewMs = skewSeconds * 1000;
  // Author times have whole seconds; the operation's own clock was up to a second later.
  const SLACK = 1000;
  for (const c of commits) {
    const at = `${c.commit.slice(0, 12)} (${c.op} ${c.task} by ${c.actor})`;
    if (FENCED.has(c.op) && c.epoch !== null) {
      fencedChecked++;
      const claim = current.get(c.task);
      if (!claim) problems.push(`${at}: ${c.op} under epoch ${c.epoch} but the task has no claim`);
      else if (claim.epoch !== c.epoch || claim.holder.actor !== c.actor) problems.push(`${at}: ${c.op} under epoch ${c.epoch} of ${c.actor}, but the claim is epoch ${claim.epoch} of ${claim.holder.actor}`);
      else if (claim.state !== "live") problems.push(`${at}: ${c.op} under epoch ${c.epoch}, but that claim is ${claim.state}`);
      else if (c.at > Date.parse(claim.expiresAt) + skewMs + SLACK) problems.push(`${at}: ${c.op} at ${iso(c.at)} under a lease that went stale at ${claim.expiresAt} + ${skewSeconds}s`);
    }
    for (const ch of c.claimChanges) {
      transitions++;
      const before = ch.oldBlob ? docs.get(ch.oldBlob) : undefined;
      const after = ch.newBlob ? docs.get(ch.newBlob) : undefined;
      if (!after) {
        problems.push(`${at}: claim document ${ch.path} deleted`);
        continue;
      }
      const task = after.task;
      if (before && before.task !== task) problems.push(`${at}: ${ch.path} changed task from ${before.task} to ${task}`);
      if (!before) {
        if (after.epoch !== 1) problems.push(`${at}: first claim on ${task} has epoch ${after.epoch}`);
        newEpochs++;
      } else if (after.epoch < before.epoch) {
        problems.push(`${at}: epoch of ${task} decreased from ${before.epoch} to ${after.epoch}`);
      } else if (after.epoch > before.epoch) {
        newEpochs++;
        if (after.epoch !== before.epoch + 1) problems.push(`${at}: epoch of ${task} jumped from ${before.epoch} to ${after.epoch}`);
        if (before.state === "live") {
          takeovers++;
          const staleAt = Date.parse(before.expiresAt) + skewMs;
          if (!(Date.parse(after.acquiredAt) > staleAt)) {
            problems.push(`${at}: epoch ${after.epoch} of ${task} granted to ${after.holder.actor} at ${after.acquiredAt} while epoch ${before.epoch} of ${before.holder.actor} was live until ${before.expiresAt} + ${skewSeconds}s`);
          }
        }
        if (after.state !== "live") problems.push(`${at}: new epoch ${after.epoch} of ${task} is born ${after.state}`);
      } else {
        if (after.holder.actor !== before.holder.actor || after.acquiredAt !== before.acquiredAt) {
          problems.push(`${at}: epoch ${after.epoch} of ${task} changed holder or acquiredAt (${before.holder.actor}@${before.acquiredAt} -> ${after.holder.actor}@${after.acquiredAt})`);
        }
        if (before.state !== "live" && after.state === "live") problems.push(`${at}: ended claim epoch ${after.epoch} on ${task} is live again`);
      }
      current.set(task, after);
    }
  }
  return { problems, transitions, newEpochs, takeovers, fencedChecked, finalClaims: current };
}

/**
 * Every acknowledged write is in the final history, or was replayed: a history commit names
 * it in Planref-Replayed-From (a replayed operation, or the conflict record it became). What
 * a sync pushed was the remote's tip, which only ever moves forward: it must be in the
 * history itself. That is the sync's tip, unless the sync also replayed operations written
 * locally while it ran onto what it pushed (`pending`, not pushed yet, with any conflict
 * records they became); then the pushed commit is that many first parents below the tip
 * (`firstParents(ack, n)` lists the tip and its first parents, newest first).
 */
export function checkJournals(commits, acks, firstParents = () => []) {
  const inHistory = new Set(commits.map((c) => c.commit));
  const replayedBy = new Map();
  for (const c of commits) if (c.replayedFrom) for (const from of c.replayedFrom.split(",")) replayedBy.set(from.trim(), c);
  const problems = [];
  const tally = { acked: 0, direct: 0, replayed: 0, conflict: 0, syncTips: 0, syncPending: 0, noCommit: 0 };
  for (const a of acks) {
    if (a.op === "sync") {
      if (!a.tip) continue;
      tally.syncTips++;
      if (inHistory.has(a.tip)) continue;
      const local = a.pending ? a.pending + (a.conflicts?.length ?? 0) : 0;
      if (local > 0 && firstParents(a, local + 1).some((c) => inHistory.has(c))) {
        tally.syncPending++;
        continue;
      }
      problems.push(`${a.agent}: sync acknowledged at ${iso(a.t)} left tip ${a.tip} (${a.action}${a.pending ? `, ${a.pending} pending` : ""}), and what it pushed is not in the final history`);
      continue;
    }
    if (!a.commit) {
      tally.noCommit++;
      continue;
    }
    tally.acked++;
    if (inHistory.has(a.commit)) {
      tally.direct++;
      continue;
    }
    // A replayed commit can itself be replayed again; follow the chain.
    let by = replayedBy.get(a.commit);
    for (let hops = 0; by && !inHistory.has(by.commit) && hops < 20; hops++) by = replayedBy.get(by.commit);
    if (by) {
      if (by.op === "sync-conflict") tally.conflict++;
      else tally.replayed++;
      continue;
    }
    problems.push(`${a.agent}: acknowledged ${a.op} ${a.task ?? ""} at ${iso(a.t)} (commit ${a.commit}) is neither in the final history nor replayed`);
  }
  return { problems, tally };
}

/** `git fsck --strict`: exit status and no error lines (dangling objects are expected: orphans of kills). */
export function fsckStrict(dir, env) {
  const r = spawnSync("git", ["fsck", "--strict", "--no-progress", "--no-dangling"], { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 28 });
  const output = `${r.stdout}${r.stderr}`.trim();
  return { ok: r.status === 0 && !/error|missing|broken|corrupt|bad sha1|fatal/i.test(output), output };
}

/** Lock files git or planref left on the state ref or the tracking refs. */
export function refLocks(gitDir) {
  const found = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".lock")) found.push(p);
    }
  };
  walk(join(gitDir, "refs"));
  if (existsSync(join(gitDir, "packed-refs.lock"))) found.push(join(gitDir, "packed-refs.lock"));
  return found;
}

/** Task status against its claim at the final state: a held status needs a live claim, a ready task none. */
export function checkTaskClaimConsistency(dir, env, now, skewSeconds) {
  const listing = git(dir, env, ["ls-tree", "-r", "refs/plan/state"]).split("\n").filter(Boolean);
  const entries = listing.map((l) => {
    const [meta, path] = l.split("\t");
    return { oid: meta.split(" ")[2], path };
  });
  const wanted = entries.filter((e) => e.path.startsWith("tasks/") || e.path.startsWith("claims/"));
  const texts = catBatch(dir, env, wanted.map((e) => e.oid));
  const tasks = new Map();
  const claims = new Map();
  wanted.forEach((e, i) => {
    const doc = parse(texts[i]);
    if (e.path.startsWith("tasks/")) tasks.set(doc.id, doc);
    else claims.set(doc.task, doc);
  });
  const problems = [];
  for (const [id, t] of tasks) {
    const c = claims.get(id);
    if (["claimed", "in_progress", "blocked"].includes(t.status) && (!c || c.state !== "live")) problems.push(`${id} is ${t.status} but its claim is ${c ? `${c.state} (epoch ${c.epoch})` : "missing"}`);
  }
  for (const [task, c] of claims) {
    const t = tasks.get(task);
    if (!t) problems.push(`claim on ${task}, which has no task document`);
    // A ready task is anyone's: no live lease may still hold it.
    else if (t.status === "ready" && c.state === "live" && now <= Date.parse(c.expiresAt) + skewSeconds * 1000) problems.push(`${task} is ready but epoch ${c.epoch} of ${c.holder.actor} is live until ${c.expiresAt}`);
  }
  const byStatus = {};
  for (const t of tasks.values()) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  return { problems, byStatus, claims };
}
