/**
 * Claim races with the real binary: many `planref claim <task> --json` processes at once,
 * from one worktree, from several linked worktrees, and around the moment a lease goes
 * stale. The CAS on refs/plan/state must let exactly one of them win.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, fsckOk } from "../helpers/git-repo.js";
import { claimDoc, inv, leaseMemory, preparedRepo, race, type RaceResult, stateLog, taskStatus, tally } from "./claims-support.js";

const summary: string[] = [];

afterAll(() => {
  console.log(`claims-race: ${summary.join("; ")}`);
  cleanupAll();
});

const T001 = inv("T001");
const T002 = inv("T002");

function winnerOf(results: RaceResult[]): RaceResult {
  const winners = results.filter((r) => r.code === 0);
  expect(winners, JSON.stringify(tally(results))).toHaveLength(1);
  return winners[0] as RaceResult;
}

describe("claim races between real processes", () => {
  it("16 claimers on one task: exactly one wins with epoch 1, 15 get CLAIM_CONFLICT naming it", async () => {
    const repo = await preparedRepo(["T001"]);
    const actors = Array.from({ length: 16 }, (_, i) => `agent-${String(i + 1).padStart(2, "0")}`);
    const { results, wallMs } = await race(
      repo,
      actors.map((actor) => ({ actor, cwd: repo.dir, args: ["claim", "T001", "--json"] })),
    );
    const winner = winnerOf(results);
    expect(winner.json?.data).toMatchObject({ outcome: "acquired", task: T001, claim: { epoch: 1, holder: { actor: winner.actor } } });
    const losers = results.filter((r) => r !== winner);
    expect(losers).toHaveLength(15);
    for (const l of losers) {
      expect(l.code, l.stdout + l.stderr).toBe(3);
      expect(l.json?.error).toMatchObject({ code: "CLAIM_CONFLICT", details: { task: T001, epoch: 1, holder: { actor: winner.actor }, expiresAt: winner.json?.data.claim.expiresAt } });
    }
    expect(claimDoc(repo, T001)).toMatchObject({ epoch: 1, state: "live", holder: { actor: winner.actor }, attempts: [] });
    expect(taskStatus(repo, T001)).toBe("claimed");
    const claims = stateLog(repo).filter((e) => e.op === "claim" && e.task === T001);
    expect(claims).toEqual([{ op: "claim", task: T001, epoch: "1", actor: winner.actor, previous: "" }]);
    expect(fsckOk(repo.dir, repo.env).ok).toBe(true);
    summary.push(`16 claimers/1 task ${Math.round(wallMs)}ms (winner ${winner.actor} after ${Math.round(winner.endedMs)}ms, ${JSON.stringify(tally(results))})`);
  });

  it("claimers from 4 linked worktrees at once: exactly one winner; only its worktree remembers the epoch", async () => {
    const repo = await preparedRepo(["T002"]);
    const worktrees = [1, 2, 3, 4].map((i) => {
      const path = join(repo.dir, "..", `wt${i}`);
      repo.git("worktree", "add", "-q", "-b", `work${i}`, path);
      return { path, gitDir: join(repo.dir, ".git", "worktrees", `wt${i}`) };
    });
    const racers = worktrees.flatMap((wt, i) => [0, 1, 2].map((j) => ({ actor: `wt${i + 1}-agent${j}`, cwd: wt.path, args: ["claim", "T002", "--json"] })));
    const { results, wallMs } = await race(repo, racers);
    const winner = winnerOf(results);
    const winnerTree = worktrees.find((w) => w.path === winner.cwd);
    expect(winner.json?.data.claim).toMatchObject({ epoch: 1, holder: { actor: winner.actor, worktree: expect.stringMatching(/wt\d$/), branch: expect.stringMatching(/^work\d$/) } });
    for (const l of results.filter((r) => r !== winner)) {
      expect(l.code).toBe(3);
      expect(l.json?.error?.code).toBe("CLAIM_CONFLICT");
      expect(l.json?.error?.details.holder.actor).toBe(winner.actor);
    }
    expect(claimDoc(repo, T002).epoch).toBe(1);
    expect(stateLog(repo).filter((e) => e.op === "claim")).toHaveLength(1);
    for (const w of worktrees) expect(leaseMemory(w.gitDir)[T002]).toBe(w === winnerTree ? 1 : undefined);
    // Every worktree sees the same state at once.
    const seen = await Promise.all(worktrees.map((w) => planref(["status", "--json"], { cwd: w.path, env: repo.env })));
    expect(new Set(seen.map((s) => s.json?.data.tip)).size).toBe(1);
    summary.push(`12 claimers in 4 worktrees ${Math.round(wallMs)}ms`);
  });

  it("a lease that goes stale mid-race: exactly one new winner with epoch 2; the old holder is fenced off", async () => {
    const repo = await preparedRepo(["T001"]);
    const cfg = await planref(["config", "set", "claims.skewMargin", "1s", "--json"], { cwd: repo.dir, env: repo.env });
    expect(cfg.code).toBe(0);
    // The old holder works in its own worktree, so its lease memory (epoch 1) is its own.
    const oldTree = join(repo.dir, "..", "old-holder");
    repo.git("worktree", "add", "-q", "-b", "old", oldTree);
    const oldEnv = { ...repo.env, PLANREF_ACTOR: "old-holder" };
    const held = await planref(["claim", "T001", "--lease", "1s", "--json"], { cwd: oldTree, env: oldEnv });
    expect(held.code).toBe(0);
    const expires = Date.parse(held.json?.data.claim.expiresAt);
    const staleAt = expires + 1000;

    // Eight claimers started every 300 ms from just after expiry: the first ones meet a claim
    // still inside its skew margin, the later ones a stale one, and only one may take it over.
    const startBase = Math.max(0, expires - Date.now());
    const { results, wallMs } = await race(
      repo,
      Array.from({ length: 8 }, (_, i) => ({ actor: `racer-${i + 1}`, cwd: repo.dir, args: ["claim", "T001", "--json"], startAfterMs: startBase + i * 300 })),
    );
    const winner = winnerOf(results);
    expect(winner.json?.data).toMatchObject({ outcome: "taken-over", previousHolder: "old-holder", claim: { epoch: 2, holder: { actor: winner.actor } } });
    expect(Date.parse(winner.json?.data.claim.acquiredAt)).toBeGreaterThan(staleAt);
    const before = results.filter((r) => r !== winner && r.json?.error?.details?.holder?.actor === "old-holder");
    const after = results.filter((r) => r !== winner && r.json?.error?.details?.holder?.actor === winner.actor);
    expect(before.length + after.length).toBe(7);
    for (const l of [...before, ...after]) {
      expect(l.code).toBe(3);
      expect(l.json?.error?.code).toBe("CLAIM_CONFLICT");
    }
    for (const l of after) expect(l.json?.error?.details.epoch).toBe(2);

    const doc = claimDoc(repo, T001);
    expect(doc).toMatchObject({ epoch: 2, state: "live", holder: { actor: winner.actor } });
    expect(doc.attempts).toEqual([expect.objectContaining({ epoch: 1, holder: expect.objectContaining({ actor: "old-holder" }), ending: expect.objectContaining({ how: "expired", by: winner.actor }) })]);
    expect(stateLog(repo).filter((e) => e.op === "claim" && e.task === T001).map((e) => [e.epoch, e.actor, e.previous])).toEqual([
      ["2", winner.actor, "old-holder"],
      ["1", "old-holder", ""],
    ]);

    // The stale holder's writes are refused: heartbeat (its worktree remembers epoch 1), with --epoch 1, and release.
    const tip = repo.git("rev-parse", "refs/plan/state");
    const hbNamed = await planref(["heartbeat", "T001", "--json"], { cwd: oldTree, env: oldEnv });
    expect(hbNamed.code).toBe(3);
    expect(hbNamed.json?.error).toMatchObject({ code: "LEASE_LOST", details: { task: T001, epoch: 1, currentEpoch: 2, holder: winner.actor } });
    const hbEpoch = await planref(["heartbeat", "T001", "--epoch", "1", "--json"], { cwd: oldTree, env: oldEnv });
    expect(hbEpoch.json?.error?.code).toBe("LEASE_LOST");
    const rel = await planref(["release", "T001", "--json"], { cwd: oldTree, env: oldEnv });
    expect(rel.code).toBe(3);
    expect(rel.json?.error).toMatchObject({ code: "LEASE_LOST", details: { epoch: 1, currentEpoch: 2 } });
    expect(repo.git("rev-parse", "refs/plan/state")).toBe(tip);
    // The new holder is unaffected.
    const ok = await planref(["heartbeat", "T001", "--json"], { cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: winner.actor } });
    expect(ok.json?.data).toMatchObject({ epoch: 2, status: "in_progress" });
    expect(fsckOk(repo.dir, repo.env).ok).toBe(true);
    summary.push(`stale mid-race 8 claimers ${Math.round(wallMs)}ms (${before.length} met the old holder, ${after.length} the new one)`);
  });
});
