/**
 * Sync through real git remotes: a bare repository by path, by file:// and behind a
 * smart-HTTP server on loopback. Three clones diverge and converge; conflicting operations
 * become conflict records instead of being lost.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/git-repo.js";
import { makeWorld, stateTree, T, type Transport } from "./support.js";

afterAll(cleanupAll);

const TRANSPORTS: Transport[] = ["path", "file", "http"];

describe.each(TRANSPORTS)("sync over %s", (transport) => {
  it("divergent edits of different tasks on three clones converge to one state", async () => {
    const w = await makeWorld(transport, 3);
    try {
      const [a, b, c] = [w.project(0, "ann"), w.project(1, "bob"), w.project(2, "cy")];
      await a.claim({ task: T(1) });
      await a.heartbeat({ task: T(1) });
      await b.claim({ task: T(2) });
      await c.claim({ task: T(3) });
      await c.release({ task: T(3) });

      const ra = await a.sync();
      const rb = await b.sync();
      const rc = await c.sync();
      expect(ra.action).toBe("pushed");
      expect(rb).toMatchObject({ action: "replayed", replayed: 1, conflicts: [] });
      expect(rc).toMatchObject({ action: "replayed", replayed: 2, conflicts: [] });
      await a.sync();
      await b.sync();

      const tips = w.clones.map((d) => w.tip(d));
      expect(new Set(tips).size).toBe(1);
      expect(w.git(w.bare, "rev-parse", "refs/plan/state").trim()).toBe(tips[0]);
      const status = await a.status();
      expect(status.claims.map((x) => [x.task, x.holder]).sort()).toEqual([
        [T(1), "ann"],
        [T(2), "bob"],
      ]);
      expect(status.conflicts).toEqual([]);
      // Linear history with provenance: every replayed commit names the one it came from.
      const log = w.git(w.clones[0] as string, "log", "--first-parent", "--format=%P|%(trailers:key=Planref-Replayed-From,valueonly)", "refs/plan/state");
      expect(log.split("\n").filter((l) => l.includes("|")).every((l) => l.split("|")[0]?.split(" ").length === 1)).toBe(true);
      expect(log.match(/^[0-9a-f]{40}\|[0-9a-f]{40}/gm)?.length).toBe(3);
      if (w.server) expect(await w.server.requests()).toBeGreaterThan(0);
    } finally {
      await w.close();
    }
  }, 60_000);
});

describe("sync conflicts", () => {
  it("a claim made remotely first turns the local claim and its follow-ups into conflict records", async () => {
    const w = await makeWorld("path", 2);
    try {
      const [a, b] = [w.project(0, "ann"), w.project(1, "bob")];
      await a.claim({ task: T(1) });
      await a.sync();
      await b.claim({ task: T(1) });
      await b.heartbeat({ task: T(1) });
      await b.claim({ task: T(2) });
      const r = await b.sync();
      expect(r.action).toBe("replayed");
      expect(r.replayed).toBe(1);
      expect(r.conflicts.map((c) => [c.op, c.code, c.actor])).toEqual([
        ["claim", "CLAIMED_REMOTELY", "bob"],
        ["heartbeat", "LEASE_LOST", "bob"],
      ]);
      expect(r.conflicts[0]?.message).toContain("claimed remotely by ann");
      const status = await b.status();
      expect(status.claims.find((c) => c.task === T(1))?.holder).toBe("ann");
      expect(status.conflicts).toHaveLength(2);
      // The board shows them too.
      expect((await b.board()).conflicts.map((c) => c.code)).toEqual(["CLAIMED_REMOTELY", "LEASE_LOST"]);
      // Acknowledging keeps the record but takes it off the status.
      await b.acknowledgeConflict({ id: r.conflicts[0]?.id as string, note: "took T002 instead" });
      expect((await b.status()).conflicts).toHaveLength(1);
      expect((await b.conflicts({ all: true })).conflicts).toHaveLength(2);
      await b.sync();
      await a.sync();
      expect(w.tip(w.clones[0] as string)).toBe(w.tip(w.clones[1] as string));
    } finally {
      await w.close();
    }
  }, 60_000);

  it("an operation replayed once and refused by a later sync is recorded under the commit its actor was given", async () => {
    // A second remote makes clone 0 hold a replayed copy of ann's claim that origin lacks:
    // the same shape as an operation replayed locally while a sync adopted what it pushed.
    const w = await makeWorld("path", 2);
    try {
      const [a, b] = [w.project(0, "ann"), w.project(1, "bob")];
      const mirror = join(w.root, "mirror.git");
      w.git(w.root, "clone", "-q", "--bare", w.bare, mirror);
      w.git(w.bare, "push", "-q", mirror, "refs/plan/state:refs/plan/state");
      for (const dir of w.clones) w.git(dir, "remote", "add", "mirror", mirror);
      await b.claim({ task: T(3) });
      await b.sync({ remote: "mirror" });

      const claimed = (await a.claim({ task: T(1) })).commit as string;
      const beat = (await a.heartbeat({ task: T(1) })).commit;
      expect(await a.sync({ remote: "mirror" })).toMatchObject({ action: "replayed", replayed: 2 });
      expect(w.git(w.clones[0] as string, "log", "-2", "--format=%(trailers:key=Planref-Replayed-From,valueonly,separator=%x2C)", "refs/plan/state").split("\n").filter(Boolean)).toEqual([beat, claimed]);

      await b.claim({ task: T(1) });
      await b.sync();
      const r = await a.sync();
      expect(r.conflicts.map((c) => [c.op, c.code, c.commit])).toEqual([
        ["claim", "CLAIMED_REMOTELY", claimed],
        ["heartbeat", "LEASE_LOST", beat],
      ]);
      // Each conflict record's commit names the whole chain: the original, then its replay.
      const chains = w.git(w.clones[0] as string, "log", "--format=%(trailers:key=Planref-Replayed-From,valueonly,separator=%x2C)", "--grep=^Planref-Op: sync-conflict$", "refs/plan/state").split("\n").filter(Boolean);
      expect(chains.map((c) => c.split(",")[0])).toEqual([beat, claimed]);
      expect(chains.every((c) => c.split(",").length === 2)).toBe(true);
    } finally {
      await w.close();
    }
  }, 60_000);

  it("offline work of 200 operations on each of two clones converges, every operation kept or recorded", async () => {
    const w = await makeWorld("path", 2);
    try {
      const [a, b] = [w.project(0, "ann"), w.project(1, "bob")];
      const done: string[] = [];
      const work = async (p: typeof a, own: string) => {
        // Both take the contested task first; each also has one of its own.
        done.push((await p.claim({ task: T(1) })).commit as string);
        done.push((await p.claim({ task: own })).commit as string);
        for (let i = 0; i < 99; i++) {
          done.push((await p.heartbeat({ task: T(1) })).commit);
          done.push((await p.heartbeat({ task: own })).commit);
        }
      };
      await work(a, T(2));
      await work(b, T(3));
      expect(done).toHaveLength(400);

      await a.sync();
      const rb = await b.sync();
      await a.sync();
      expect(w.tip(w.clones[0] as string)).toBe(w.tip(w.clones[1] as string));
      expect(stateTree(w, w.clones[0] as string)).toEqual(stateTree(w, w.clones[1] as string));
      // bob's contested claim and its 99 heartbeats did not stand; his own task's 100 did.
      expect(rb.replayed).toBe(100);
      expect(rb.conflicts).toHaveLength(100);
      expect(new Set(rb.conflicts.map((c) => c.code))).toEqual(new Set(["CLAIMED_REMOTELY", "LEASE_LOST"]));

      // Nothing lost: each acknowledged operation is in the history itself, or replayed from it.
      const log = w.git(w.clones[0] as string, "log", "--format=%H %(trailers:key=Planref-Replayed-From,valueonly,separator=%x20)", "refs/plan/state");
      const seen = new Set(log.split(/\s+/).filter(Boolean));
      expect(done.filter((c) => !seen.has(c))).toEqual([]);
      const status = await a.status();
      expect(status.claims.map((c) => [c.task, c.holder]).sort()).toEqual([
        [T(1), "ann"],
        [T(2), "ann"],
        [T(3), "bob"],
      ]);
    } finally {
      await w.close();
    }
  }, 120_000);
});

describe("team mode", () => {
  it("of three clones claiming one task at once, exactly one holds it everywhere", async () => {
    const w = await makeWorld("path", 3, { team: true });
    try {
      const ps = [w.project(0, "ann"), w.project(1, "bob"), w.project(2, "cy")];
      const results = await Promise.allSettled(ps.map((p) => p.claim({ task: T(1) })));
      const winners = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const losers = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error & { code: string }] : []));
      expect(winners).toHaveLength(1);
      expect(losers.map((e) => e.code)).toEqual(["CLAIM_CONFLICT", "CLAIM_CONFLICT"]);
      const winner = (winners[0] as { claim: { holder: { actor: string } } }).claim.holder.actor;
      for (const e of losers) expect(e.message).toContain(`claimed remotely by ${winner}`);
      for (const p of ps) await p.sync();
      for (const p of ps) await p.sync();
      for (const p of ps) {
        const s = await p.status();
        expect(s.claims.filter((c) => c.task === T(1)).map((c) => c.holder)).toEqual([winner]);
        // The losers were told at claim time; their records are acknowledged.
        expect(s.conflicts).toEqual([]);
      }
    } finally {
      await w.close();
    }
  }, 60_000);

  it("refuses a team-mode claim with no remote to confirm it on, before writing anything", async () => {
    const w = await makeWorld("path", 2, { team: true });
    try {
      const dir = w.clones[1] as string;
      w.git(dir, "remote", "rename", "origin", "upstream");
      const before = w.tip(dir);
      const err = await w.project(1, "bob").claim({ task: T(1) }).catch((e: unknown) => e as { code: string; message: string; hint: string });
      expect(err).toMatchObject({ code: "USAGE" });
      expect((err as { message: string }).message).toContain('no git remote "origin"');
      expect((err as { hint: string }).hint).toContain("planref config set sync.remote upstream");
      expect(w.tip(dir)).toBe(before);
    } finally {
      await w.close();
    }
  }, 60_000);

});

describe("init in a clone", () => {
  it("asks the remote before creating a root, and refuses to guess when the remote cannot be reached", async () => {
    const w = await makeWorld("path", 1);
    try {
      const dir = `${w.root}/offline`;
      w.git(w.root, "init", "-q", dir);
      w.git(dir, "remote", "add", "origin", `${w.root}/nowhere.git`);
      const { openProject } = await import("../../src/runtime/open-project.js");
      const q = openProject({ cwd: dir, env: w.env, actor: "ann" });
      try {
        const err = (await q.init().catch((e: unknown) => e)) as { code: string; hint: string };
        expect(err.code).toBe("REMOTE_FAILED");
        expect(err.hint).toContain("planref init --no-remote");
        expect(w.tip(dir)).toBeNull();
        const typo = (await q.init({ remote: "orgin" }).catch((e: unknown) => e)) as { code: string };
        expect(typo.code).toBe("USAGE");
        const made = await q.init({ remote: false });
        expect(made.created).toBe(true);
      } finally {
        await q.close();
      }
    } finally {
      await w.close();
    }
  }, 60_000);
});
