/**
 * Race suite for the storage engine: real processes contending on refs/plan/state.
 * Each writer process runs GitStore directly (test/race/writer.ts, bundled once); each of
 * its transactions increments counter.yaml and adds one unique item in the same commit,
 * and it prints ACK only after transact() resolved. checkRepository() then proves, from
 * git's side, that nothing was lost, doubled or corrupted.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverRepository } from "../../src/store/git/discover.js";
import { readRef } from "../../src/store/git/refs.js";
import { GitStore } from "../../src/store/git-store.js";
import { cleanupAll, makeRepo, type TempRepo, tempDir } from "../helpers/git-repo.js";
import {
  type Ack,
  attemptStats,
  bundleWriter,
  checkRepository,
  expectCleanExit,
  findLockFiles,
  git,
  REF,
  startNative,
  startShellLoop,
  startWriter,
  summary,
  type WriterRun,
} from "./harness.js";
import { COUNTER_PATH, raceRegistry, rootMutation, writeMutation } from "./registry.js";
import type { WriterOptions } from "./writer.js";

let bundle: string;

beforeAll(async () => {
  bundle = await bundleWriter();
}, 60_000);

afterAll(() => cleanupAll());

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A start barrier far enough ahead for every process to have loaded (~150 ms each on 2 cores). */
const barrier = (processes: number) => Date.now() + 300 + 120 * processes;

/** The first commit (counter 0), written by a planref writer. */
async function initState(repo: TempRepo): Promise<string> {
  const w = startWriter(bundle, repo.dir, repo.env, { id: "init", mode: "root" });
  expectCleanExit(w, await w.exit);
  const commit = w.roots[0]?.commit;
  expect(commit).toMatch(/^[0-9a-f]{40}$/);
  return commit as string;
}

async function runAll(writers: WriterRun[]): Promise<void> {
  const exits = await Promise.all(writers.map((w) => w.exit));
  writers.forEach((w, i) => expectCleanExit(w, exits[i] as { code: number | null; signal: NodeJS.Signals | null }));
  for (const w of writers) expect(w.done, `${w.id} never reported DONE`).toBe(true);
}

const acksOf = (writers: WriterRun[]): Ack[] => writers.flatMap((w) => w.acks);

const attemptFields = (a: ReturnType<typeof attemptStats>) => ({
  attemptsMean: a.mean,
  attemptsP90: a.p90,
  attemptsMax: a.max,
  retriedTxns: a.retried,
  overDefaultMaxAttempts: a.overDefaultMax,
});

describe("storage engine races (real processes)", () => {
  it("0. the invariant checker itself rejects a lost update, a doubled increment and a commit without its item", async () => {
    const repo = makeRepo();
    const location = discoverRepository(repo.dir, repo.env);
    const store = new GitStore({ location, registry: raceRegistry(), useDiskCache: false });
    try {
      await store.transact(rootMutation("solo"));
      const acks: Ack[] = [];
      for (let seq = 0; seq < 3; seq++) {
        const r = await store.transact(writeMutation("solo", seq));
        acks.push({ writer: "solo", seq, commit: r.commit as string, attempts: r.attempts });
      }
      const good = await checkRepository({ dir: repo.dir, env: repo.env, acks });
      expect(good.counter).toBe(3);

      // Lost update: the ref moved back past an acknowledged commit.
      git(repo.dir, repo.env, ["update-ref", REF, `${good.tip}~1`, good.tip]);
      await expect(checkRepository({ dir: repo.dir, env: repo.env, acks })).rejects.toThrow(/not on the chain/);
      git(repo.dir, repo.env, ["update-ref", REF, good.tip]);

      // A commit that adds 2 to the counter.
      const fresh = new GitStore({ location, registry: raceRegistry(), useDiskCache: false });
      const bad = await fresh.transact((s) => ({
        changes: [{ path: COUNTER_PATH, value: { value: (s.get(COUNTER_PATH) as { value: number }).value + 2 } }],
        commit: { subject: "native: doubled", trailers: [], author: { name: "x", email: "x@race.test" }, time: new Date() },
        result: null,
      }));
      await fresh.close();
      await expect(checkRepository({ dir: repo.dir, env: repo.env, acks, native: [bad.commit as string] })).rejects.toThrow(/lost or doubled/);
      git(repo.dir, repo.env, ["update-ref", REF, good.tip]);

      // A planref commit whose item is missing (counter moved, record not written).
      const fresh2 = new GitStore({ location, registry: raceRegistry(), useDiskCache: false });
      const plan = writeMutation("solo", 3);
      const missing = await fresh2.transact((s, attempt) => {
        const p = plan(s, attempt);
        return "noop" in p ? p : { ...p, changes: p.changes.filter((c) => c.path === COUNTER_PATH) };
      });
      await fresh2.close();
      await expect(
        checkRepository({ dir: repo.dir, env: repo.env, acks: [...acks, { writer: "solo", seq: 3, commit: missing.commit as string, attempts: 1 }] }),
      ).rejects.toThrow(/changes of/);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("1. N planref writers: every acknowledged write lands, exactly once, on one chain", async () => {
    const repo = makeRepo();
    await initState(repo);
    const W = 8;
    const N = 40;
    const startAt = barrier(W);
    const writers = Array.from({ length: W }, (_, i) =>
      startWriter(bundle, repo.dir, repo.env, { id: `w${i}`, mode: "write", n: N, startAt, cache: i % 2 === 0 } satisfies WriterOptions),
    );
    await runAll(writers);
    const elapsed = (Date.now() - startAt) / 1000;
    const acks = acksOf(writers);
    expect(acks.length).toBe(W * N);
    const r = await checkRepository({ dir: repo.dir, env: repo.env, acks });
    expect(r.chain).toBe(1 + W * N);
    expect(r.counter).toBe(W * N);
    expect(r.unacked).toEqual([]);
    const a = attemptStats(acks);
    summary("1 planref writers", {
      writers: W,
      commits: acks.length,
      secs: elapsed.toFixed(2),
      commitsPerSec: (acks.length / elapsed).toFixed(1),
      ...attemptFields(a),
    });
  }, 120_000);

  it("2. mixed with native git read-modify-write writers (git update-ref NEW OLD): zero lost updates", async () => {
    const repo = makeRepo();
    await initState(repo);
    const scratch = tempDir("planref-race-native-");
    const W = 4;
    const N = 30;
    const NATIVE = 3;
    const NATIVE_N = 20;
    const startAt = barrier(W);
    const writers = Array.from({ length: W }, (_, i) => startWriter(bundle, repo.dir, repo.env, { id: `p${i}`, mode: "write", n: N, startAt }));
    // Let the native loops start at the barrier too, so they overlap the planref writers.
    await sleep(Math.max(0, startAt - Date.now()));
    const natives = Array.from({ length: NATIVE }, (_, i) => startNative(repo.dir, repo.env, `g${i}`, NATIVE_N, scratch));
    await runAll(writers);
    const nativeExits = await Promise.all(natives.map((n) => n.exit));
    natives.forEach((n, i) => expectCleanExit(n, nativeExits[i] as { code: number | null; signal: NodeJS.Signals | null }));
    const elapsed = (Date.now() - startAt) / 1000;
    const acks = acksOf(writers);
    const nativeCommits = natives.flatMap((n) => n.commits);
    expect(acks.length).toBe(W * N);
    expect(nativeCommits.length).toBe(NATIVE * NATIVE_N);
    const r = await checkRepository({ dir: repo.dir, env: repo.env, acks, native: nativeCommits });
    expect(r.counter).toBe(acks.length + nativeCommits.length);
    expect(r.nativeCommits).toBe(nativeCommits.length);
    expect(r.chain).toBe(1 + acks.length + nativeCommits.length);
    const a = attemptStats(acks);
    summary("2 mixed with native git", {
      planrefCommits: acks.length,
      nativeCommits: nativeCommits.length,
      nativeLostCas: natives.reduce((s, n) => s + n.lost, 0),
      secs: elapsed.toFixed(2),
      commitsPerSec: ((acks.length + nativeCommits.length) / elapsed).toFixed(1),
      ...attemptFields(a),
    });
  }, 120_000);

  it("3. writers inside linked worktrees (and a subdirectory) all write the common dir's ref", async () => {
    const repo = makeRepo();
    await initState(repo);
    const root = join(repo.dir, "..");
    const wts = ["wt1", "wt2", "wt3"].map((name) => {
      const path = join(root, name);
      repo.git("worktree", "add", "-q", "-b", `branch-${name}`, path);
      return path;
    });
    const deep = join(wts[2] as string, "sub", "deeper");
    mkdirSync(deep, { recursive: true });
    const wt1sub = join(wts[0] as string, "docs");
    mkdirSync(wt1sub, { recursive: true });
    const cwds = [repo.dir, wts[0], wts[1], deep, wt1sub, wts[1]] as string[];
    const N = 20;
    const startAt = barrier(cwds.length);
    const writers = cwds.map((cwd, i) => startWriter(bundle, cwd, repo.env, { id: `t${i}`, mode: "write", n: N, startAt, cache: i % 2 === 1 }));
    await runAll(writers);
    const elapsed = (Date.now() - startAt) / 1000;

    const commonDir = realpathSync(join(repo.dir, ".git"));
    writers.forEach((w, i) => {
      expect(realpathSync(w.loc?.commonDir as string), `${w.id} in ${cwds[i]}`).toBe(commonDir);
      const expectedGitDir = i === 0 ? commonDir : realpathSync(git(cwds[i] as string, repo.env, ["rev-parse", "--absolute-git-dir"]).trim());
      expect(realpathSync(w.loc?.gitDir as string)).toBe(expectedGitDir);
    });
    // No per-worktree copy of the ref, no objects written into a worktree's git dir.
    for (const name of ["wt1", "wt2", "wt3"]) {
      const wtGitDir = join(commonDir, "worktrees", name);
      expect(existsSync(join(wtGitDir, "refs", "plan")), `${wtGitDir}/refs/plan`).toBe(false);
      expect(existsSync(join(wtGitDir, "objects")), `${wtGitDir}/objects`).toBe(false);
      expect(existsSync(join(wtGitDir, "planref")), `${wtGitDir}/planref`).toBe(false);
    }
    const tip = git(repo.dir, repo.env, ["rev-parse", REF]).trim();
    for (const cwd of cwds) expect(git(cwd, repo.env, ["rev-parse", REF]).trim(), cwd).toBe(tip);
    expect(existsSync(join(commonDir, "planref", "cache", "snapshot")), "shared cache in the common dir").toBe(true);

    const acks = acksOf(writers);
    expect(acks.length).toBe(cwds.length * N);
    const r = await checkRepository({ dir: repo.dir, env: repo.env, acks });
    expect(r.counter).toBe(acks.length);
    for (const wt of wts) expect(findLockFiles(wt), wt).toEqual([]);
    const a = attemptStats(acks);
    summary("3 linked worktrees", {
      writers: cwds.length,
      commits: acks.length,
      secs: elapsed.toFixed(2),
      commitsPerSec: (acks.length / elapsed).toFixed(1),
      ...attemptFields(a),
    });
  }, 120_000);

  it("4. with git gc, git repack -d and git pack-refs --all running in parallel", async () => {
    const repo = makeRepo();
    await initState(repo);
    const commonDir = join(repo.dir, ".git");
    const stop = join(tempDir("planref-race-stop-"), "stop");
    const W = 6;
    const N = 30;
    const startAt = barrier(W);
    const writers = Array.from({ length: W }, (_, i) =>
      startWriter(bundle, repo.dir, repo.env, { id: `c${i}`, mode: "write", n: N, startAt, cache: i % 2 === 0 }),
    );
    await sleep(Math.max(0, startAt - Date.now()));
    // git's own refusal to prune or expire a ref that a writer moved meanwhile ("cannot lock
    // ref ...: is at X but expected Y") is git being safe, not a failure of the writers.
    const movedMeanwhile = "^error: cannot lock ref 'refs/plan/state': is at [0-9a-f]{40} but expected [0-9a-f]{40}$";
    // Incremental repacks between full gcs: each packs the new reachable objects and, like
    // gc, prunes their loose copies and removes the objects/xx directories it empties. They
    // take turns with gc rather than run beside it: a repack deleting loose objects while gc's
    // prune lists them makes gc fail ("unable to mark recent objects"), git against git.
    const gcLoop = startShellLoop(repo.dir, repo.env, "git gc -q && git repack -d -q", stop, movedMeanwhile);
    const packLoop = startShellLoop(repo.dir, repo.env, "git pack-refs --all", stop, movedMeanwhile);
    const results = await Promise.allSettled(writers.map((w) => w.exit));
    writeFileSync(stop, "");
    const [gcExit, packExit] = await Promise.all([gcLoop.exit, packLoop.exit]);
    const elapsed = (Date.now() - startAt) / 1000;
    expect(gcExit, `git gc loop: ${gcLoop.lines.slice(-3).join(" | ")} ${gcLoop.stderr}`).toEqual({ code: 0, signal: null });
    expect(packExit, `pack-refs loop: ${packLoop.lines.slice(-3).join(" | ")} ${packLoop.stderr}`).toEqual({ code: 0, signal: null });
    const failures = writers.filter((w, i) => results[i]?.status !== "fulfilled" || !w.done || w.errors.length > 0);
    expect(
      failures.map((w) => `${w.id}: ${w.errors.map((e) => `${e.code} ${e.message}`).join("; ")} ${w.stderr.slice(0, 500)}`),
      "writers that failed while git gc / repack / pack-refs ran",
    ).toEqual([]);
    await runAll(writers);
    const gcRounds = gcLoop.lines.filter((l) => l.startsWith("ROUND")).length;
    const packRounds = packLoop.lines.filter((l) => l.startsWith("ROUND")).length;
    expect(gcRounds).toBeGreaterThan(0);
    expect(packRounds).toBeGreaterThan(gcRounds);

    const acks = acksOf(writers);
    expect(acks.length).toBe(W * N);
    let r = await checkRepository({ dir: repo.dir, env: repo.env, acks });
    expect(r.counter).toBe(W * N);

    // Pack once more: now the ref lives only in packed-refs; planref must read and CAS from there.
    git(repo.dir, repo.env, ["pack-refs", "--all"]);
    expect(existsSync(join(commonDir, REF)), "loose ref after pack-refs --all").toBe(false);
    expect(readFileSync(join(commonDir, "packed-refs"), "utf8")).toContain(`${r.tip} ${REF}\n`);
    expect(readRef(commonDir, REF)).toBe(git(repo.dir, repo.env, ["rev-parse", REF]).trim());
    const after = startWriter(bundle, repo.dir, repo.env, { id: "afterpack", mode: "write", n: 5 });
    await runAll([after]);
    expect(after.acks[0]?.attempts).toBe(1);
    expect(readRef(commonDir, REF)).toBe(git(repo.dir, repo.env, ["rev-parse", REF]).trim());
    r = await checkRepository({ dir: repo.dir, env: repo.env, acks: [...acks, ...after.acks] });
    expect(r.counter).toBe(W * N + 5);
    const a = attemptStats(acks);
    summary("4 with gc + pack-refs", {
      commits: acks.length,
      gcAndRepackRuns: gcRounds,
      gcRefused: gcLoop.lines.filter((l) => l.startsWith("REFUSED")).length,
      packRefsRuns: packRounds,
      packRefsRefused: packLoop.lines.filter((l) => l.startsWith("REFUSED")).length,
      secs: elapsed.toFixed(2),
      commitsPerSec: (acks.length / elapsed).toFixed(1),
      ...attemptFields(a),
    });
  }, 150_000);

  it("5. writers SIGKILLed mid-transaction: nothing acknowledged is lost, the repository stays sound", async () => {
    const repo = makeRepo();
    await initState(repo);
    const commonDir = join(repo.dir, ".git");
    const lockPath = join(commonDir, `${REF}.lock`);
    const LOCK_TIMEOUT = 2000;

    // A held lock (a crashed process's, or a long git command's) is waited on, then refused
    // with REF_LOCKED, never stolen.
    const tipBefore = git(repo.dir, repo.env, ["rev-parse", REF]).trim();
    writeFileSync(lockPath, "0123456789012345678901234567890123456789\n");
    const lockIno = statSync(lockPath).ino;
    let t0 = Date.now();
    const blocked = startWriter(bundle, repo.dir, repo.env, { id: "blocked", mode: "write", n: 1, lockTimeoutMs: LOCK_TIMEOUT });
    const blockedExit = await blocked.exit;
    expect(blockedExit.code, blocked.lines.join("\n")).toBe(3);
    expect(blocked.errors.map((e) => e.code)).toEqual(["REF_LOCKED"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(LOCK_TIMEOUT);
    expect(blocked.acks).toEqual([]);
    expect(statSync(lockPath).ino, "the lock file was replaced").toBe(lockIno);
    expect(readFileSync(lockPath, "utf8")).toBe("0123456789012345678901234567890123456789\n");
    expect(git(repo.dir, repo.env, ["rev-parse", REF]).trim()).toBe(tipBefore);
    rmSync(lockPath);

    const allAcks: Ack[] = [];
    const killed = new Set<string>();
    let staleLocks = 0;
    let lockedOut = 0;
    let spawned = 0;
    let kills = 0;
    const ROUNDS = 5;
    t0 = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      const opts = (id: string, n: number): WriterOptions => ({ id, mode: "write", n, lockTimeoutMs: LOCK_TIMEOUT, cache: Math.random() < 0.5 });
      const writers: WriterRun[] = Array.from({ length: 4 }, (_, i) => startWriter(bundle, repo.dir, repo.env, opts(`k${round}_${i}`, 20)));
      spawned += writers.length;
      // Kill 2-3 of them at random moments while they write; start 2 fresh ones meanwhile.
      const victims = [...writers].sort(() => Math.random() - 0.5).slice(0, 2 + Math.floor(Math.random() * 2));
      await Promise.all(
        victims.map(async (v, j) => {
          // Wait until the victim is actually writing, then a random extra delay.
          for (let k = 0; k < 300 && v.acks.length === 0 && !v.exited; k++) await sleep(10);
          await sleep(Math.random() * 250);
          if (!v.exited) v.proc.kill("SIGKILL");
          if (j < 2) {
            const r = startWriter(bundle, repo.dir, repo.env, opts(`k${round}_r${j}`, 8));
            writers.push(r);
            spawned++;
          }
        }),
      );
      const exits = await Promise.all(writers.map((w) => w.exit));
      const stale = existsSync(lockPath);
      writers.forEach((w, i) => {
        const e = exits[i] as { code: number | null; signal: NodeJS.Signals | null };
        allAcks.push(...w.acks);
        if (e.signal === "SIGKILL") {
          killed.add(w.id);
          kills++;
        } else if (e.code === 3 && stale) {
          expect(w.errors.map((x) => x.code)).toEqual(["REF_LOCKED"]);
          lockedOut++;
        } else {
          expectCleanExit(w, e);
        }
      });
      if (stale) {
        // A writer died between creating the lock and renaming it: the lock must hold.
        staleLocks++;
        const probeStart = Date.now();
        const probe = startWriter(bundle, repo.dir, repo.env, { id: `probe${round}`, mode: "write", n: 1, lockTimeoutMs: LOCK_TIMEOUT });
        const pe = await probe.exit;
        expect(pe.code).toBe(3);
        expect(Date.now() - probeStart).toBeGreaterThanOrEqual(LOCK_TIMEOUT);
        expect(probe.acks).toEqual([]);
        expect(probe.errors.map((x) => x.code)).toEqual(["REF_LOCKED"]);
        expect(existsSync(lockPath), "the stale lock was stolen").toBe(true);
        rmSync(lockPath);
      }
      await checkRepository({ dir: repo.dir, env: repo.env, acks: allAcks, killed });
    }
    // One last clean writer after all the carnage.
    const last = startWriter(bundle, repo.dir, repo.env, { id: "final", mode: "write", n: 5, lockTimeoutMs: LOCK_TIMEOUT });
    await runAll([last]);
    allAcks.push(...last.acks);
    const r = await checkRepository({ dir: repo.dir, env: repo.env, acks: allAcks, killed });
    expect(r.counter).toBe(r.items);
    expect(allAcks.length).toBeLessThanOrEqual(r.counter);
    expect(r.counter - allAcks.length).toBe(r.unacked.length);
    expect(kills).toBeGreaterThanOrEqual(ROUNDS * 2 - 2); // a victim may occasionally finish first
    const leftovers = git(repo.dir, repo.env, ["count-objects", "-v"]);
    summary("5 SIGKILL", {
      rounds: ROUNDS,
      processes: spawned,
      killed: kills,
      acked: allAcks.length,
      committed: r.counter,
      committedNotAcked: r.unacked.length,
      staleLocks,
      writersLockedOut: lockedOut,
      secs: ((Date.now() - t0) / 1000).toFixed(2),
      garbage: /garbage: (\d+)/.exec(leftovers)?.[1] ?? "?",
    });
  }, 180_000);

  it("6. concurrent first commits: exactly one root commit", async () => {
    const ROUNDS = 3;
    const P = 6;
    let contended = 0;
    const t0 = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      const repo = makeRepo();
      const startAt = barrier(P);
      const writers = Array.from({ length: P }, (_, i) => startWriter(bundle, repo.dir, repo.env, { id: `r${round}_${i}`, mode: "root", startAt }));
      await runAll(writers);
      const roots = writers.map((w) => w.roots[0]);
      expect(roots.every((x) => x !== undefined)).toBe(true);
      const winners = roots.filter((x) => x?.commit);
      expect(winners.length, JSON.stringify(roots)).toBe(1);
      contended += roots.filter((x) => (x?.attempts ?? 0) > 1).length;
      const tip = git(repo.dir, repo.env, ["rev-parse", REF]).trim();
      expect(winners[0]?.commit).toBe(tip);
      expect(git(repo.dir, repo.env, ["rev-list", "--max-parents=0", REF]).trim().split("\n")).toEqual([tip]);
      expect(git(repo.dir, repo.env, ["rev-list", "--count", REF]).trim()).toBe("1");
      expect(git(repo.dir, repo.env, ["show", `${REF}:${COUNTER_PATH}`])).toBe("value: 0\n");
      expect(findLockFiles(join(repo.dir, ".git"))).toEqual([]);
    }

    // The same race in one process, where every store is sure to read "no ref" before any CAS.
    const repo = makeRepo();
    const location = discoverRepository(repo.dir, repo.env);
    const stores = Array.from({ length: P }, () => new GitStore({ location, registry: raceRegistry(), useDiskCache: false }));
    const results = await Promise.all(stores.map((s, i) => s.transact(rootMutation(`s${i}`))));
    await Promise.all(stores.map((s) => s.close()));
    expect(results.filter((r) => r.commit !== null).length).toBe(1);
    expect(results.filter((r) => r.attempts > 1).length, "in-process contenders that lost the root CAS").toBe(P - 1);
    expect(git(repo.dir, repo.env, ["rev-list", "--count", REF]).trim()).toBe("1");
    summary("6 root race", {
      rounds: ROUNDS,
      processesPerRound: P,
      processLostRootCas: contended,
      inProcessLostRootCas: P - 1,
      secs: ((Date.now() - t0) / 1000).toFixed(2),
    });
  }, 120_000);
});
