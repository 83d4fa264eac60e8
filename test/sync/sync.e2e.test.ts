/**
 * `planref sync`, `conflicts`, `init` in a clone and `doctor` through the built binary with
 * --json, against real remotes: a bare repository by path, a smart-HTTP server on loopback.
 * Setup goes through the library (support.ts); every command under test is the binary.
 * Refusals are checked for their exact code and exit status and for what they leave behind:
 * the local state ref and the remote's, read with native git before and after.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliResult, planref } from "../helpers/cli.js";
import { cleanupAll } from "../helpers/git-repo.js";
import { handCommit } from "../helpers/hand-commit.js";
import { makeWorld, type SyncWorld, stateTree, T } from "./support.js";

afterAll(cleanupAll);

const HEX40 = /^[0-9a-f]{40}$/;
const EXIT_CONFLICT = 3;
const EXIT_NOT_FOUND = 4;
const EXIT_SYNC = 7;

/** The binary in `dir` as `actor`; --json is added unless `text` is set. */
function cli(w: SyncWorld, dir: string, actor: string, args: string[], options: { text?: boolean } = {}): Promise<CliResult> {
  return planref(options.text ? args : [...args, "--json"], { cwd: dir, env: { ...w.env, PLANREF_ACTOR: actor } });
}

const ok = (r: CliResult) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout}${r.stderr}`);
  if (r.json) expect(r.json.ok).toBe(true);
  return r.json?.data;
};

/** A failed command: its exit status and its one JSON error document. */
const failed = (r: CliResult, code: number, errorCode: string) => {
  expect({ exit: r.code, code: r.json?.error?.code }, `${r.stdout}${r.stderr}`).toEqual({ exit: code, code: errorCode });
  expect(r.json?.ok).toBe(false);
  return r.json?.error as { code: string; message: string; hint?: string; details?: any };
};

/** The remote's state ref (bare repository), or null. */
const remoteTip = (w: SyncWorld) => refOf(w, w.bare, "refs/plan/state");

function refOf(w: SyncWorld, dir: string, ref: string): string | null {
  try {
    return w.git(dir, "rev-parse", "--verify", "-q", ref).trim();
  } catch {
    return null;
  }
}

/** Polls a condition every 20 ms; fails after `ms`. */
async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function hook(w: SyncWorld, name: string, script: string): void {
  const path = join(w.bare, "hooks", name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
}

/** A new clone of the remote: git brings no refs/plan/* along. */
function freshClone(w: SyncWorld, name: string): string {
  const dir = join(w.root, name);
  w.git(w.root, "clone", "-q", w.url, dir);
  return dir;
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("refusals leave local and remote state as they were", () => {
  it("a pre-receive hook that refuses: REMOTE_REJECTED with the remote's own message, exit 7", async () => {
    const w = await makeWorld("path", 2);
    try {
      const [a, b] = w.clones as [string, string];
      // The hook refuses while a flag file exists, with an explanation of its own.
      const closed = join(w.root, "closed");
      hook(w, "pre-receive", `cat >/dev/null\nif [ -f '${closed}' ]; then echo "refs/plan/state is frozen for the release" >&2; exit 1; fi\nexit 0`);
      writeFileSync(closed, "");

      // Only local operations: the push of them is refused.
      ok(await cli(w, a, "ann", ["claim", T(1)]));
      const localBefore = w.tip(a);
      const remoteBefore = remoteTip(w);
      let r = await cli(w, a, "ann", ["sync"]);
      let e = failed(r, EXIT_SYNC, "REMOTE_REJECTED");
      expect(e.message).toContain("pre-receive hook declined");
      expect(e.message).toContain("refs/plan/state is frozen for the release");
      expect(e.details).toMatchObject({ remote: "origin", commit: localBefore });
      expect(e.hint).toMatch(/local state is unchanged/);
      expect(w.tip(a)).toBe(localBefore);
      expect(remoteTip(w)).toBe(remoteBefore);

      // Both sides moved: the replay onto the remote's tip is built, its push refused, and
      // nothing of it is adopted locally.
      execFileSync("rm", [closed]);
      ok(await cli(w, b, "bob", ["claim", T(2)]));
      expect(ok(await cli(w, b, "bob", ["sync"])).action).toBe("pushed");
      writeFileSync(closed, "");
      const remoteMoved = remoteTip(w);
      r = await cli(w, a, "ann", ["sync"]);
      e = failed(r, EXIT_SYNC, "REMOTE_REJECTED");
      expect(e.message).toContain("refs/plan/state is frozen for the release");
      expect(w.tip(a)).toBe(localBefore);
      expect(remoteTip(w)).toBe(remoteMoved);
      // Human text: the same message on stderr with the hint, nothing on stdout.
      const text = await cli(w, a, "ann", ["sync"], { text: true });
      expect(text.code).toBe(EXIT_SYNC);
      expect(text.stdout).toBe("");
      expect(text.stderr).toMatch(/refused the push of refs\/plan\/state.*frozen for the release\nhint: /);

      // Once the remote accepts again, the same sync goes through.
      execFileSync("rm", [closed]);
      expect(ok(await cli(w, a, "ann", ["sync"]))).toMatchObject({ action: "replayed", replayed: 1, conflicts: [] });
      expect(w.tip(a)).toBe(remoteTip(w));
    } finally {
      await w.close();
    }
  }, 90_000);

  it("a remote tip with an invalid document: REMOTE_INVALID naming path and commit; nothing adopted", async () => {
    const w = await makeWorld("path", 2);
    try {
      const [a, b] = w.clones as [string, string];
      // Someone pushes a broken task document with plain git.
      const path = [...stateTree(w, b).keys()].find((p) => p.startsWith("tasks/")) as string;
      const bad = handCommit({ dir: b, env: w.env, git: (...args) => w.git(b, ...args), cleanup: () => {} }, { [path]: "title: [unclosed\nstatus: draft\n" }, "edit by hand");
      w.git(b, "push", "-q", "origin", "refs/plan/state");
      expect(remoteTip(w)).toBe(bad);

      ok(await cli(w, a, "ann", ["claim", T(1)]));
      const before = w.tip(a);
      const e = failed(await cli(w, a, "ann", ["sync"]), EXIT_SYNC, "REMOTE_INVALID");
      expect(e.message).toContain(path);
      expect(e.message).toContain(bad.slice(0, 12));
      expect(e.details).toMatchObject({ remote: "origin", commit: bad });
      expect(e.details.issues[0]).toMatchObject({ path, commit: bad });
      expect(e.hint).toMatch(/Nothing was adopted; local state is unchanged/);
      expect(w.tip(a)).toBe(before);
      expect(remoteTip(w)).toBe(bad);
      // Local state still reads and writes.
      expect(ok(await cli(w, a, "ann", ["status"])).claims.map((c: { task: string }) => c.task)).toEqual([T(1)]);

      // A fresh clone does not adopt it either.
      const c = freshClone(w, "fresh");
      failed(await cli(w, c, "cy", ["init"]), EXIT_SYNC, "REMOTE_INVALID");
      expect(w.tip(c)).toBeNull();

      // A fix pushed on top makes the remote good again; the sync then integrates.
      const fixed = handCommit({ dir: b, env: w.env, git: (...args) => w.git(b, ...args), cleanup: () => {} }, { [path]: w.git(b, "show", `${bad}~1:${path}`) }, "fix by hand");
      w.git(b, "push", "-q", "origin", "refs/plan/state");
      const r = ok(await cli(w, a, "ann", ["sync"]));
      expect(r).toMatchObject({ action: "replayed", replayed: 1, fetched: fixed });
      expect(w.tip(a)).toBe(remoteTip(w));
    } finally {
      await w.close();
    }
  }, 90_000);

  it("histories with different roots: SYNC_UNRELATED, never merged", async () => {
    const w = await makeWorld("path", 1);
    try {
      const a = w.clones[0] as string;
      // A separate repository initialised on its own, shared through its own bare remote.
      const other = join(w.root, "other");
      w.git(w.root, "init", "-q", other);
      ok(await cli(w, other, "olga", ["init", "--name", "other"]));
      const otherBare = join(w.root, "other.git");
      w.git(w.root, "init", "-q", "--bare", otherBare);
      w.git(other, "push", "-q", otherBare, "refs/plan/state");
      const otherTip = refOf(w, otherBare, "refs/plan/state");
      w.git(a, "remote", "add", "other", otherBare);

      const before = w.tip(a) as string;
      const e = failed(await cli(w, a, "ann", ["sync", "other"]), EXIT_SYNC, "SYNC_UNRELATED");
      expect(e.details).toMatchObject({ remote: "other", local: before, remoteTip: otherTip });
      expect(e.hint).toContain("git update-ref");
      expect(w.tip(a)).toBe(before);
      expect(refOf(w, otherBare, "refs/plan/state")).toBe(otherTip);
      expect(remoteTip(w)).toBe(before);
      // No commit joins the two histories anywhere.
      expect(w.git(a, "rev-list", "--max-parents=0", "refs/plan/state").trim().split("\n")).toHaveLength(1);
      expect(() => w.git(a, "merge-base", before, otherTip as string)).toThrow();
      // doctor sees the fetched copy and calls it an error.
      const d = failed(await cli(w, a, "ann", ["doctor"]), 5, "UNHEALTHY");
      expect(d.details.checks.find((c: { name: string }) => c.name === "sync other")).toMatchObject({ status: "error", message: expect.stringContaining("different roots") });

      // The hint's way out works: move local state aside, then the sync adopts the other side's.
      const recipe = /\(git update-ref (\S+) refs\/plan\/state && git update-ref -d refs\/plan\/state\)/.exec(e.hint as string);
      expect(recipe).not.toBeNull();
      w.git(a, "update-ref", recipe?.[1] as string, "refs/plan/state");
      w.git(a, "update-ref", "-d", "refs/plan/state");
      expect(ok(await cli(w, a, "ann", ["sync", "other"]))).toMatchObject({ action: "adopted", tip: otherTip });
      expect(w.tip(a)).toBe(otherTip);
      expect(refOf(w, a, recipe?.[1] as string)).toBe(before);
    } finally {
      await w.close();
    }
  }, 60_000);

  it("an unreachable remote: REMOTE_FAILED with a hint, by path and over HTTP", async () => {
    const w = await makeWorld("path", 1);
    try {
      const a = w.clones[0] as string;
      w.git(a, "remote", "add", "gone", join(w.root, "no-such-remote.git"));
      w.git(a, "remote", "add", "down", `http://127.0.0.1:${await closedPort()}/remote.git`);
      ok(await cli(w, a, "ann", ["claim", T(1)]));
      const before = w.tip(a);
      for (const remote of ["gone", "down"]) {
        const e = failed(await cli(w, a, "ann", ["sync", remote]), EXIT_SYNC, "REMOTE_FAILED");
        expect(e.message).toContain(`from ${remote} failed`);
        expect(e.hint).toContain(`git fetch ${remote}`);
        expect(e.details).toMatchObject({ remote, operation: "fetch" });
        expect(w.tip(a)).toBe(before);
      }
      // An unknown remote name is a usage error, not a network one.
      const u = failed(await cli(w, a, "ann", ["sync", "nowhere"]), 2, "USAGE");
      expect(u.message).toContain('no git remote named "nowhere"');

      // In team mode a claim that cannot reach the remote says so, and how to go on.
      ok(await cli(w, a, "ann", ["config", "set", "sync.mode", "team"]));
      ok(await cli(w, a, "ann", ["config", "set", "sync.remote", "down"]));
      const c = failed(await cli(w, a, "ann", ["claim", T(2)]), EXIT_SYNC, "REMOTE_FAILED");
      expect(c.message).toContain(`${T(2)} is claimed here but not on down`);
      expect(c.hint).toContain(`planref release ${T(2)}`);
    } finally {
      await w.close();
    }
  }, 60_000);
});

describe("a fresh clone", () => {
  it("is told the remote has state, adopts it with init, fetches it with plain git fetch, and doctor reports divergence", async () => {
    const w = await makeWorld("path", 1);
    try {
      const a = w.clones[0] as string;
      const c = freshClone(w, "fresh");
      expect(w.tip(c)).toBeNull();

      const e = failed(await cli(w, c, "cy", ["status"]), EXIT_NOT_FOUND, "STATE_NOT_INITIALIZED");
      expect(e.message).toContain("origin has planref state");
      expect(e.hint).toBe("Fetch and adopt it: planref init (or planref sync origin).");
      expect(e.details).toEqual({ remotesWithState: ["origin"] });
      const text = await cli(w, c, "cy", ["status"], { text: true });
      expect(text.code).toBe(EXIT_NOT_FOUND);
      expect(text.stderr).toContain("but origin has planref state\nhint: Fetch and adopt it: planref init");

      const init = ok(await cli(w, c, "cy", ["init"]));
      expect(init).toMatchObject({ created: false, adoptedFrom: "origin", commit: remoteTip(w), project: "sync" });
      expect(w.tip(c)).toBe(remoteTip(w));
      // One history: the clone's root is the remote's.
      const roots = (dir: string) => w.git(dir, "rev-list", "--max-parents=0", "refs/plan/state").trim().split("\n");
      expect(roots(c)).toEqual(roots(w.bare));
      expect(roots(c)).toHaveLength(1);
      // init is idempotent and says so.
      expect(ok(await cli(w, c, "cy", ["init"]))).toMatchObject({ created: false, commit: remoteTip(w) });

      // --fetch-refspec: plain `git fetch origin` now brings the state along.
      const spec = ok(await cli(w, c, "cy", ["init", "--fetch-refspec", "origin"]));
      expect(spec.refspec).toEqual({ remote: "origin", refspec: "+refs/plan/state:refs/plan/remotes/origin/state", added: true });
      expect(ok(await cli(w, c, "cy", ["init", "--fetch-refspec", "origin"])).refspec.added).toBe(false);
      expect(w.git(c, "config", "--get-all", "remote.origin.fetch").trim().split("\n")).toEqual(["+refs/heads/*:refs/remotes/origin/*", "+refs/plan/state:refs/plan/remotes/origin/state"]);
      ok(await cli(w, a, "ann", ["claim", T(1)]));
      ok(await cli(w, a, "ann", ["sync"]));
      expect(refOf(w, c, "refs/plan/remotes/origin/state")).not.toBe(remoteTip(w));
      w.git(c, "fetch", "-q", "origin");
      expect(refOf(w, c, "refs/plan/remotes/origin/state")).toBe(remoteTip(w));
      // Fetching is not adopting: the local ref stays where it was.
      expect(w.tip(c)).toBe(init.commit);

      // Both moved: doctor (no network) compares with the copy plain git fetch brought.
      ok(await cli(w, c, "cy", ["claim", T(2)]));
      ok(await cli(w, a, "ann", ["heartbeat", T(1)]));
      ok(await cli(w, a, "ann", ["sync"]));
      w.git(c, "fetch", "-q", "origin");
      const doc = ok(await cli(w, c, "cy", ["doctor"]));
      expect(doc.healthy).toBe(true);
      expect(doc.checks.find((x: { name: string }) => x.name === "sync origin")).toEqual({
        name: "sync origin",
        status: "warn",
        message: "1 local operation(s) not on origin, 2 of origin's not here (as last fetched)",
        hint: "planref sync brings both sides together.",
      });
      expect(ok(await cli(w, c, "cy", ["sync"]))).toMatchObject({ action: "replayed", replayed: 1, conflicts: [] });
      expect(ok(await cli(w, c, "cy", ["doctor"])).checks.find((x: { name: string }) => x.name === "sync origin")).toMatchObject({ status: "ok", message: `in step with origin as last fetched (${(remoteTip(w) as string).slice(0, 12)})` });
    } finally {
      await w.close();
    }
  }, 90_000);
});

describe("planref conflicts", () => {
  it("lists, filters and acknowledges conflict records, as text and --json", async () => {
    const w = await makeWorld("path", 2);
    try {
      const [a, b] = w.clones as [string, string];
      ok(await cli(w, a, "ann", ["claim", T(1)]));
      ok(await cli(w, a, "ann", ["sync"]));
      // bob works offline on the same task.
      const claimCommit = ok(await cli(w, b, "bob", ["claim", T(1)])).commit as string;
      ok(await cli(w, b, "bob", ["heartbeat", T(1)]));

      const s = await cli(w, b, "bob", ["sync"], { text: true });
      expect(s.code).toBe(0);
      const lines = s.stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^replayed 0 local operations on origin's state and pushed \([0-9a-f]{12}\)$/);
      expect(lines[1]).toBe("2 operations did not stand on origin's state and became conflict records:");
      expect(lines[2]).toMatch(new RegExp(`^  \\S+  bob: claim ${T(1).replace(".", "\\.")}  CLAIMED_REMOTELY  ${T(1).replace(".", "\\.")} was claimed remotely by ann \\(epoch 1\\)$`));
      expect(lines[3]).toMatch(/^ {2}\S+ {2}bob: heartbeat \S+ {2}LEASE_LOST {2}/);
      expect(lines[4]).toBe("See planref conflicts; acknowledge each with planref conflicts ack <id>.");

      const list = ok(await cli(w, b, "bob", ["conflicts"])).conflicts as Array<Record<string, any>>;
      expect(list.map((c) => [c.op, c.task, c.code, c.actor, c.acknowledged])).toEqual([
        ["claim", T(1), "CLAIMED_REMOTELY", "bob", false],
        ["heartbeat", T(1), "LEASE_LOST", "bob", false],
      ]);
      expect(list[0]).toMatchObject({ commit: claimCommit, epoch: 1, remote: "origin", detectedBy: "bob", paths: [expect.stringMatching(/^claims\//)] });
      const [claimId, hbId] = list.map((c) => c.id as string) as [string, string];

      const text = await cli(w, b, "bob", ["conflicts"], { text: true });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`${claimId}  ${list[0]?.at}  bob: claim ${T(1)}  CLAIMED_REMOTELY\n    ${T(1)} was claimed remotely by ann (epoch 1)\n    original operation: ${claimCommit.slice(0, 12)} "`);
      expect(text.stdout).toContain(`(git show ${claimCommit.slice(0, 12)})`);
      expect(ok(await cli(w, b, "bob", ["conflicts", "--of", "ann"])).conflicts).toEqual([]);
      expect(ok(await cli(w, b, "bob", ["conflicts", "--of", "bob"])).conflicts).toHaveLength(2);
      // The records travelled with the sync: ann sees them too.
      ok(await cli(w, a, "ann", ["sync"]));
      expect(ok(await cli(w, a, "ann", ["conflicts"])).conflicts.map((c: { id: string }) => c.id)).toEqual([claimId, hbId]);

      // Acknowledge by prefix (--json) and by full id (text).
      const ack = ok(await cli(w, b, "bob", ["conflicts", "ack", claimId.slice(0, 24), "--note", "took another task"]));
      expect(ack.commit).toMatch(HEX40);
      expect(ack.conflict).toMatchObject({ id: claimId, acknowledged: { by: "bob", note: "took another task" } });
      const ackText = await cli(w, b, "bob", ["conflicts", "ack", hbId], { text: true });
      expect(ackText.code).toBe(0);
      expect(ackText.stdout.trim()).toBe(`acknowledged ${hbId} (${(w.tip(b) as string).slice(0, 12)})`);
      expect((await cli(w, b, "bob", ["conflicts"], { text: true })).stdout.trim()).toBe("no sync conflicts");
      const all = ok(await cli(w, b, "bob", ["conflicts", "--all"])).conflicts as Array<Record<string, any>>;
      expect(all.map((c) => c.acknowledged.by)).toEqual(["bob", "bob"]);
      expect((await cli(w, b, "bob", ["conflicts", "--all"], { text: true })).stdout).toContain("CLAIMED_REMOTELY  (acknowledged by bob)");
      // Twice is refused; an unknown id is not found.
      failed(await cli(w, b, "bob", ["conflicts", "ack", hbId]), EXIT_CONFLICT, "INVALID_TRANSITION");
      failed(await cli(w, b, "bob", ["conflicts", "ack", "nope"]), EXIT_NOT_FOUND, "NOT_FOUND");

      // The acknowledgements are ordinary operations: they sync like any other.
      ok(await cli(w, b, "bob", ["sync"]));
      ok(await cli(w, a, "ann", ["sync"]));
      expect(ok(await cli(w, a, "ann", ["conflicts"])).conflicts).toEqual([]);
      expect(w.tip(a)).toBe(w.tip(b));
    } finally {
      await w.close();
    }
  }, 120_000);
});

describe("single flight", () => {
  it("two linked worktrees of one clone sync at the same time: one does the work, both succeed", async () => {
    const w = await makeWorld("path", 2);
    try {
      const [a, b] = w.clones as [string, string];
      w.git(a, "commit", "-q", "--allow-empty", "-m", "base");
      const wt = join(w.root, "clone0-wt");
      w.git(a, "worktree", "add", "-q", "--detach", wt);

      // The remote moved, and the shared local state has two operations it lacks.
      ok(await cli(w, b, "bob", ["claim", T(2)]));
      ok(await cli(w, b, "bob", ["sync"]));
      ok(await cli(w, a, "ann", ["claim", T(1)]));
      ok(await cli(w, wt, "ann", ["heartbeat", T(1)]));

      // Every push waits at the remote until released, and leaves a mark.
      const entered = join(w.root, "pushes");
      const go = join(w.root, "go");
      hook(w, "pre-receive", `cat >/dev/null\necho push >> '${entered}'\ni=0\nwhile [ ! -f '${go}' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\nexit 0`);
      const pushes = () => (existsSync(entered) ? readFileSync(entered, "utf8").split("\n").filter(Boolean).length : 0);

      const first = cli(w, a, "ann", ["sync"]);
      await until("the first sync's push", () => pushes() === 1);
      const second = cli(w, wt, "ann", ["sync"]);
      // The second sync must wait for the first instead of fetching, replaying and pushing
      // too; give it a second to show otherwise (a second push would arrive at the hook).
      const started = Date.now();
      await until("a second push or one second", () => pushes() > 1 || Date.now() - started > 1000);
      writeFileSync(go, "");
      const [r1, r2] = [ok(await first), ok(await second)];

      expect(pushes()).toBe(1);
      expect(r1).toMatchObject({ action: "replayed", replayed: 2, conflicts: [], attempts: 1 });
      expect(r2).toMatchObject({ action: "up-to-date", tip: r1.tip, attempts: 1 });
      expect(w.tip(a)).toBe(remoteTip(w));
      // Each local operation was replayed exactly once.
      const from = w.git(a, "log", "--format=%(trailers:key=Planref-Replayed-From,valueonly)", "refs/plan/state").split("\n").filter(Boolean);
      expect(from).toHaveLength(2);
      expect(new Set(from).size).toBe(2);
      expect(existsSync(join(a, ".git", "planref", "sync.lock"))).toBe(false);
      const status = ok(await cli(w, wt, "ann", ["status"]));
      expect(status.claims.map((c: { task: string; holder: string }) => [c.task, c.holder]).sort()).toEqual([
        [T(1), "ann"],
        [T(2), "bob"],
      ]);
    } finally {
      await w.close();
    }
  }, 90_000);
});

describe("three clones sync at the same time", () => {
  it("leases make the losers fetch, replay and retry; every operation stands or is recorded", async () => {
    const w = await makeWorld("file", 3);
    try {
      const actors = ["ann", "bob", "cy"];
      const done: string[] = [];
      // Each clone claims the contested T001 and a task of its own, then renews its own lease.
      for (const [i, dir] of w.clones.entries()) {
        const actor = actors[i] as string;
        done.push(ok(await cli(w, dir, actor, ["claim", T(1)])).commit);
        done.push(ok(await cli(w, dir, actor, ["claim", T(i + 3)])).commit);
        for (let k = 0; k < 3; k++) done.push(ok(await cli(w, dir, actor, ["heartbeat", T(i + 3)])).commit);
      }
      expect(done.every((c) => HEX40.test(c))).toBe(true);
      const results = (await Promise.all(w.clones.map((dir, i) => cli(w, dir, actors[i] as string, ["sync"])))).map(ok);
      expect(results.map((r) => r.action).sort()).toEqual(["pushed", "replayed", "replayed"]);
      for (const r of results.filter((x) => x.action === "replayed")) {
        expect(r.replayed + r.conflicts.length).toBe(5);
        expect(r.conflicts.map((c: { op: string; code: string }) => [c.op, c.code])).toEqual([["claim", "CLAIMED_REMOTELY"]]);
      }
      for (const dir of w.clones) ok(await cli(w, dir, "lead", ["sync"]));
      expect(new Set(w.clones.map((d) => w.tip(d)))).toEqual(new Set([remoteTip(w)]));
      const s = ok(await cli(w, w.clones[0] as string, "lead", ["status"]));
      const pusher = actors[results.findIndex((r) => r.action === "pushed")];
      expect(s.claims.map((c: { task: string; holder: string }) => [c.task, c.holder]).sort()).toEqual(
        [[T(1), pusher], [T(3), "ann"], [T(4), "bob"], [T(5), "cy"]].sort(),
      );
      expect(s.conflicts).toHaveLength(2);
      // Nothing lost: each operation is in the history, or a commit there was replayed from it.
      const log = w.git(w.bare, "log", "--format=%H %(trailers:key=Planref-Replayed-From,valueonly,separator=%x20)", "refs/plan/state");
      const seen = new Set(log.split(/\s+/).filter(Boolean));
      expect(done.filter((c) => !seen.has(c))).toEqual([]);
    } finally {
      await w.close();
    }
  }, 120_000);
});

describe("team mode over smart HTTP", () => {
  it("three clones claim one task at once through the CLI: one exit 0, two exit 3 'claimed remotely by'", async () => {
    const w = await makeWorld("http", 3, { team: true });
    try {
      const actors = ["ann", "bob", "cy"];
      const results = await Promise.all(w.clones.map((dir, i) => cli(w, dir, actors[i] as string, ["claim", T(1)])));
      const winners = results.flatMap((r, i) => (r.code === 0 ? [actors[i] as string] : []));
      expect(winners).toHaveLength(1);
      const winner = winners[0] as string;
      for (const [i, r] of results.entries()) {
        if (actors[i] === winner) {
          expect(r.json?.data).toMatchObject({ task: T(1), outcome: "acquired" });
          continue;
        }
        const e = failed(r, EXIT_CONFLICT, "CLAIM_CONFLICT");
        expect(e.message).toContain(`${T(1)} was claimed remotely by ${winner}`);
        expect(e.hint).toBe("Pick another task: planref next.");
        expect(e.details).toMatchObject({ task: T(1), holder: winner, epoch: 1 });
      }
      // The winner's claim is on the remote already: no sync needed to see it.
      const remoteClaim = w.git(w.bare, "show", `refs/plan/state:${[...stateTree(w, w.bare).keys()].find((p) => p.startsWith("claims/") && p.includes(T(1)))}`);
      expect(remoteClaim).toContain(`actor: ${winner}`);

      // The losers take other tasks; with no contention their claims stand.
      const losers = actors.filter((x) => x !== winner);
      for (const [k, actor] of losers.entries()) {
        const dir = w.clones[actors.indexOf(actor)] as string;
        expect(ok(await cli(w, dir, actor, ["claim", T(k + 2)]))).toMatchObject({ outcome: "acquired" });
      }
      for (const dir of w.clones) ok(await cli(w, dir, "lead", ["sync"]));
      for (const dir of w.clones) ok(await cli(w, dir, "lead", ["sync"]));
      expect(new Set(w.clones.map((d) => w.tip(d)))).toEqual(new Set([remoteTip(w)]));
      for (const dir of w.clones) {
        const s = ok(await cli(w, dir, "lead", ["status"]));
        expect(s.claims.filter((c: { task: string }) => c.task === T(1)).map((c: { holder: string }) => c.holder)).toEqual([winner]);
        expect(s.claims).toHaveLength(3);
        expect(s.conflicts).toEqual([]);
      }
      expect(await w.server?.requests()).toBeGreaterThan(0);
    } finally {
      await w.close();
    }
  }, 120_000);
});

