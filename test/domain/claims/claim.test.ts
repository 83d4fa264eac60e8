/**
 * The claim rules as pure functions: acquireClaim, renewClaim, releaseClaim, checkFence,
 * isStale and parseDuration, driven by an injected LeaseClock (no I/O, no real time).
 */
import { describe, expect, it } from "vitest";
import { acquireClaim, type AcquireInput, checkFence, releaseClaim, renewClaim } from "../../../src/domain/claims/claim.js";
import { parseDuration } from "../../../src/domain/claims/duration.js";
import { isLive, isStale, type LeaseClock, secondsLeft } from "../../../src/domain/claims/lease.js";
import type { PlanrefError } from "../../../src/errors.js";
import type { ClaimDoc, Holder, TaskDoc, TaskStatus } from "../../../src/schema/types.js";

const NOW = Date.parse("2030-03-01T12:00:00.000Z");
const SKEW = 60;
const LEASE = 600;
const iso = (ms: number) => new Date(ms).toISOString();
const clock = (now = NOW, skewSeconds = SKEW): LeaseClock => ({ now, skewSeconds });

const ID = "spec.T001";
const ALL_STATUSES: TaskStatus[] = ["draft", "ready", "claimed", "in_progress", "blocked", "submitted", "accepted", "done", "cancelled"];

function task(fields: Partial<TaskDoc> = {}): TaskDoc {
  return {
    id: ID,
    spec: "spec",
    localId: "T001",
    title: "A task",
    intent: "Do it.",
    status: "ready",
    priority: "medium",
    feature: null,
    parent: null,
    acceptanceCriteria: ["works"],
    verification: ["npm test"],
    scope: ["src/a/**"],
    nonGoals: [],
    dependencies: [],
    requiredEvidence: [],
    manualSteps: [],
    contentHash: "0".repeat(64),
    createdAt: iso(NOW - 3_600_000),
    updatedAt: iso(NOW - 3_600_000),
    ...fields,
  };
}

const holder = (actor: string, extra: Partial<Holder> = {}): Holder => ({ actor, kind: "agent", host: "box", ...extra });

/** A live claim by `actor` expiring at `expiresAt` (default: well in the future). */
function claim(fields: Partial<ClaimDoc> & { actor?: string } = {}): ClaimDoc {
  const { actor = "alice", ...rest } = fields;
  const expiresAt = rest.expiresAt ?? iso(NOW + 300_000);
  const acquired = Date.parse(expiresAt) - LEASE * 1000;
  return {
    task: ID,
    epoch: 7,
    state: "live",
    holder: holder(actor, { worktree: "/w/alice", branch: "planref/spec.T001" }),
    acquiredAt: iso(acquired),
    renewedAt: iso(acquired),
    leaseSeconds: LEASE,
    expiresAt,
    scope: ["src/a/**"],
    baseCommit: "b".repeat(40),
    branch: "planref/spec.T001",
    worktree: "/w/alice",
    attempts: [],
    ...rest,
  };
}

type ClaimState = "none" | "live" | "within-skew" | "stale" | "released" | "force-released";

/** The claim on the task, as the claim state names it, relative to NOW with a 60 s skew margin. */
function claimIn(state: ClaimState): ClaimDoc | undefined {
  switch (state) {
    case "none":
      return undefined;
    case "live":
      return claim();
    case "within-skew":
      // Expired 30 s ago: past expiresAt, still inside the skew margin, so still live.
      return claim({ expiresAt: iso(NOW - 30_000) });
    case "stale":
      return claim({ expiresAt: iso(NOW - 61_000) });
    case "released":
      return claim({ state: "released", ended: { how: "released", at: iso(NOW - 1_000), by: "alice" } });
    case "force-released":
      return claim({ state: "force-released", ended: { how: "force-released", at: iso(NOW - 1_000), by: "carol", reason: "alice went home" } });
  }
}

function input(fields: Partial<AcquireInput> = {}): AcquireInput {
  return {
    task: task(),
    current: undefined,
    statusOf: () => "done",
    otherLive: [],
    holder: holder("bob", { worktree: "/w/bob" }),
    clock: clock(),
    leaseSeconds: LEASE,
    scope: ["src/a/**"],
    baseCommit: "c".repeat(40),
    branch: null,
    worktree: null,
    ...fields,
  };
}

/** Runs fn and returns what it threw (fails the test if it did not throw). */
function thrown(fn: () => unknown): PlanrefError {
  try {
    fn();
  } catch (e) {
    return e as PlanrefError;
  }
  throw new Error("expected a throw");
}

type Expect = { ok: "acquired" | "taken-over" } | { error: "GATE_REFUSED" | "INVALID_TRANSITION" | "CLAIM_CONFLICT" };

/** What bob claiming a task gets, for every task status × state of alice's claim (epoch 7). */
function expected(status: TaskStatus, state: ClaimState): Expect {
  if (state === "live" || state === "within-skew") return { error: "CLAIM_CONFLICT" };
  if (status === "draft") return { error: "GATE_REFUSED" };
  if (status === "ready") return { ok: state === "stale" ? "taken-over" : "acquired" };
  if (state === "stale" && (status === "claimed" || status === "in_progress" || status === "blocked")) return { ok: "taken-over" };
  return { error: "INVALID_TRANSITION" };
}

const EXIT: Record<string, number> = { GATE_REFUSED: 6, INVALID_TRANSITION: 3, CLAIM_CONFLICT: 3, LEASE_LOST: 3, USAGE: 2 };

describe("acquireClaim: every task status × claim state", () => {
  const STATES: ClaimState[] = ["none", "live", "within-skew", "stale", "released", "force-released"];
  const cases = ALL_STATUSES.flatMap((status) => STATES.map((state) => ({ status, state, want: expected(status, state) })));

  it.each(cases)("task $status, claim $state", ({ status, state, want }) => {
    const current = claimIn(state);
    const run = () => acquireClaim(input({ task: task({ status }), current }));
    if ("error" in want) {
      const err = thrown(run);
      expect(err.code).toBe(want.error);
      expect(err.exitCode).toBe(EXIT[want.error]);
      if (want.error === "CLAIM_CONFLICT") {
        expect(err.message).toContain("alice");
        expect(err.data).toMatchObject({ task: ID, holder: { actor: "alice" }, epoch: 7, expiresAt: current?.expiresAt });
      }
      return;
    }
    const r = run();
    expect(r.outcome).toBe(want.ok);
    expect(r.task.status).toBe("claimed");
    expect(r.task.updatedAt).toBe(iso(NOW));
    expect(r.claim).toMatchObject({
      task: ID,
      epoch: current ? 8 : 1,
      state: "live",
      holder: { actor: "bob" },
      acquiredAt: iso(NOW),
      renewedAt: iso(NOW),
      leaseSeconds: LEASE,
      expiresAt: iso(NOW + LEASE * 1000),
      scope: ["src/a/**"],
      baseCommit: "c".repeat(40),
    });
    expect(r.claim.ended).toBeUndefined();
    if (want.ok === "taken-over") expect(r.previous).toBe(current);
    else expect(r.previous).toBeUndefined();
    // Whatever came before is recorded with how it ended.
    if (current) {
      expect(r.claim.attempts).toHaveLength(1);
      const how = state === "stale" ? "expired" : state;
      expect(r.claim.attempts[0]?.ending.how).toBe(how);
    } else {
      expect(r.claim.attempts).toEqual([]);
    }
  });

  it("the table covers 54 combinations", () => {
    expect(cases).toHaveLength(ALL_STATUSES.length * STATES.length);
  });
});

describe("acquireClaim: leases, epochs and holders", () => {
  it("the stale boundary is exclusive: exactly expiresAt + skew is still live, one millisecond later is stale", () => {
    const c = claim({ expiresAt: iso(NOW - SKEW * 1000) });
    expect(isLive(c, clock())).toBe(true);
    expect(thrown(() => acquireClaim(input({ task: task({ status: "in_progress" }), current: c }))).code).toBe("CLAIM_CONFLICT");
    const later = clock(NOW + 1);
    expect(isStale(c, later)).toBe(true);
    expect(acquireClaim(input({ task: task({ status: "in_progress" }), current: c, clock: later })).outcome).toBe("taken-over");
  });

  it("the skew margin comes from the clock: a larger margin keeps an expired claim live", () => {
    const c = claimIn("stale") as ClaimDoc;
    expect(isStale(c, clock(NOW, 60))).toBe(true);
    expect(isStale(c, clock(NOW, 120))).toBe(false);
    expect(thrown(() => acquireClaim(input({ task: task({ status: "claimed" }), current: c, clock: clock(NOW, 120) }))).code).toBe("CLAIM_CONFLICT");
    expect(isStale(c, clock(NOW, 0))).toBe(true);
    // With no margin at all, a claim is stale the moment it expires.
    expect(isStale(claim({ expiresAt: iso(NOW) }), clock(NOW, 0))).toBe(false);
    expect(isStale(claim({ expiresAt: iso(NOW - 1) }), clock(NOW, 0))).toBe(true);
  });

  it("the epoch increments on every new claim and every takeover; attempts keep the history in order", () => {
    let t = NOW;
    const at = () => clock(t);
    // alice claims (epoch 1) and releases.
    let r = acquireClaim(input({ holder: holder("alice"), clock: at() }));
    expect(r.claim.epoch).toBe(1);
    t += 60_000;
    let rel = releaseClaim({ task: r.task, claim: r.claim, actor: "alice", epoch: 1, clock: at() });
    expect(rel.task.status).toBe("ready");
    // bob claims (epoch 2); carol force-releases him.
    t += 60_000;
    r = acquireClaim(input({ task: rel.task, current: rel.claim, holder: holder("bob"), clock: at() }));
    expect(r.claim.epoch).toBe(2);
    expect(r.outcome).toBe("acquired");
    t += 60_000;
    rel = releaseClaim({ task: r.task, claim: r.claim, actor: "carol", force: { reason: "bob is stuck" }, clock: at() });
    // dave claims (epoch 3), heartbeats once, then goes silent past expiry + skew.
    t += 60_000;
    r = acquireClaim(input({ task: rel.task, current: rel.claim, holder: holder("dave"), clock: at() }));
    expect(r.claim.epoch).toBe(3);
    t += 60_000;
    const hb = renewClaim(r.task, r.claim, { actor: "dave", epoch: 3 }, at());
    t = Date.parse(hb.claim.expiresAt) + SKEW * 1000 + 1;
    // erin takes over (epoch 4).
    r = acquireClaim(input({ task: hb.task, current: hb.claim, holder: holder("erin"), clock: at() }));
    expect(r.outcome).toBe("taken-over");
    expect(r.previous?.holder.actor).toBe("dave");
    expect(r.claim.epoch).toBe(4);
    expect(r.claim.attempts.map((a) => [a.epoch, a.holder.actor, a.ending.how, a.ending.by, a.ending.reason])).toEqual([
      [1, "alice", "released", "alice", undefined],
      [2, "bob", "force-released", "carol", "bob is stuck"],
      [3, "dave", "expired", "erin", undefined],
    ]);
    // The expired attempt is stamped with the takeover time and keeps the last renewal.
    expect(r.claim.attempts[2]).toMatchObject({ acquiredAt: iso(NOW + 240_000), lastRenewedAt: iso(NOW + 300_000), ending: { at: iso(t) } });
  });

  it("already held is idempotent: the same claim, no new epoch, task unchanged", () => {
    const current = claim({ actor: "bob" });
    const t = task({ status: "in_progress" });
    const r = acquireClaim(input({ task: t, current, leaseSeconds: 60, scope: ["src/other/**"], branch: "x" }));
    expect(r.outcome).toBe("already-held");
    expect(r.claim).toBe(current);
    expect(r.task).toBe(t);
    expect(r.previous).toBeUndefined();
  });

  it("already held inside the skew window is still idempotent (the lease is not extended)", () => {
    const current = claim({ actor: "bob", expiresAt: iso(NOW - 30_000) });
    const r = acquireClaim(input({ task: task({ status: "claimed" }), current }));
    expect(r.outcome).toBe("already-held");
    expect(r.claim.expiresAt).toBe(iso(NOW - 30_000));
  });

  it("the holder of a stale claim claiming again takes it over with a new epoch", () => {
    const current = claim({ actor: "bob", expiresAt: iso(NOW - 61_000) });
    const r = acquireClaim(input({ task: task({ status: "in_progress" }), current }));
    expect(r.outcome).toBe("taken-over");
    expect(r.claim.epoch).toBe(8);
    expect(r.claim.attempts[0]?.ending).toEqual({ how: "expired", at: iso(NOW), by: "bob" });
  });

  it("records holder, lease, branch and worktree as given", () => {
    const h = holder("bob", { worktree: "/w/t1", branch: "planref/spec.T001", session: "s-1", model: "m" });
    const r = acquireClaim(input({ holder: h, leaseSeconds: 90, branch: "planref/spec.T001", worktree: "/w/t1", baseCommit: null, scope: [] }));
    expect(r.claim).toMatchObject({ holder: h, leaseSeconds: 90, expiresAt: iso(NOW + 90_000), branch: "planref/spec.T001", worktree: "/w/t1", baseCommit: null, scope: [] });
  });
});

describe("acquireClaim: gates", () => {
  it("dependencies not all done → GATE_REFUSED listing the ones still waiting", () => {
    const status: Record<string, TaskStatus> = { "spec.D1": "done", "spec.D2": "in_progress", "spec.D3": "accepted" };
    const t = task({ dependencies: ["spec.D1", "spec.D2", "spec.D3", "spec.GONE"] });
    const err = thrown(() => acquireClaim(input({ task: t, statusOf: (d) => status[d] })));
    expect(err.code).toBe("GATE_REFUSED");
    expect(err.exitCode).toBe(6);
    expect(err.data).toEqual({ task: ID, waitingOn: ["spec.D2", "spec.D3", "spec.GONE"] });
    expect(err.message).toContain("spec.D2, spec.D3, spec.GONE");
  });

  it("dependencies all done → claimable", () => {
    const t = task({ dependencies: ["spec.D1", "spec.D2"] });
    expect(acquireClaim(input({ task: t, statusOf: () => "done" })).outcome).toBe("acquired");
  });

  it("dependencies are checked on takeover too", () => {
    const t = task({ status: "in_progress", dependencies: ["spec.D1"] });
    expect(thrown(() => acquireClaim(input({ task: t, current: claimIn("stale"), statusOf: () => "ready" }))).code).toBe("GATE_REFUSED");
  });

  it("draft → GATE_REFUSED with a readiness-review hint", () => {
    const err = thrown(() => acquireClaim(input({ task: task({ status: "draft" }) })));
    expect(err).toMatchObject({ code: "GATE_REFUSED", hint: `planref task review ${ID} --approve`, data: { task: ID, status: "draft" } });
  });

  it.each(["done", "cancelled", "submitted", "accepted"] as const)("%s → INVALID_TRANSITION (exit 3)", (status) => {
    const err = thrown(() => acquireClaim(input({ task: task({ status }) })));
    expect(err.code).toBe("INVALID_TRANSITION");
    expect(err.exitCode).toBe(3);
    expect(err.data).toMatchObject({ id: ID, from: status, operation: "claim" });
  });
});

describe("acquireClaim: scope overlap", () => {
  const other = (scope: string[], taskId = "spec.T009", actor = "carol"): ClaimDoc => claim({ task: taskId, actor, scope });

  it.each([
    { mine: ["src/a/b.ts"], theirs: ["src/**"], overlaps: true },
    { mine: ["src/**"], theirs: ["src/a/b.ts"], overlaps: true },
    { mine: ["src/a/*.ts"], theirs: ["src/b/*.ts"], overlaps: false },
    { mine: ["src/a/*.ts"], theirs: ["src/*/b.ts"], overlaps: true },
    { mine: ["docs/**", "src/x.ts"], theirs: ["lib/**", "src/*.ts"], overlaps: true },
    { mine: ["src/**/*.test.ts"], theirs: ["src/**/*.go"], overlaps: false },
    { mine: [], theirs: ["**"], overlaps: false },
  ])("$mine vs $theirs → overlap $overlaps", ({ mine, theirs, overlaps }) => {
    const run = () => acquireClaim(input({ scope: mine, otherLive: [other(theirs)] }));
    if (!overlaps) {
      expect(run().outcome).toBe("acquired");
      return;
    }
    const err = thrown(run);
    expect(err.code).toBe("CLAIM_CONFLICT");
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain("spec.T009");
    expect(err.message).toContain("carol");
    expect(err.data).toMatchObject({ task: ID, overlaps: [expect.objectContaining({ task: "spec.T009", holder: "carol" })] });
  });

  it("the conflict names the pair of globs and every overlapping claim", () => {
    const err = thrown(() => acquireClaim(input({ scope: ["src/a/b.ts"], otherLive: [other(["lib/**"], "spec.T008", "dan"), other(["src/**"], "spec.T009"), other(["src/a/*"], "spec.T010", "erin")] })));
    expect(err.message).toContain("(src/a/b.ts vs src/**)");
    expect(err.data.overlaps).toEqual([
      { task: "spec.T009", holder: "carol", mine: "src/a/b.ts", theirs: "src/**" },
      { task: "spec.T010", holder: "erin", mine: "src/a/b.ts", theirs: "src/a/*" },
    ]);
  });

  it("a forced overlap is recorded with its reason and the tasks it overlaps", () => {
    const r = acquireClaim(input({ scope: ["src/a/b.ts"], otherLive: [other(["src/**"]), other(["src/a/*"], "spec.T010"), other(["src/a/b.ts"], "spec.T010")], forceOverlap: { reason: "pairing with carol" } }));
    expect(r.outcome).toBe("acquired");
    expect(r.claim.forcedOverlap).toEqual({ reason: "pairing with carol", with: ["spec.T009", "spec.T010"] });
  });

  it("forcing with a blank reason is a usage error (exit 2)", () => {
    const err = thrown(() => acquireClaim(input({ scope: ["src/a/b.ts"], otherLive: [other(["src/**"])], forceOverlap: { reason: "  " } })));
    expect(err.code).toBe("USAGE");
    expect(err.exitCode).toBe(2);
  });

  it("forcing when nothing overlaps records nothing", () => {
    const r = acquireClaim(input({ scope: ["src/a/*.ts"], otherLive: [other(["src/b/*.ts"])], forceOverlap: { reason: "just in case" } }));
    expect(r.claim.forcedOverlap).toBeUndefined();
  });
});

describe("checkFence", () => {
  const live = claim({ actor: "alice", epoch: 3 });
  const cases: Array<{ name: string; claim: ClaimDoc | undefined; fence: { actor: string; epoch?: number }; ok: boolean; data?: Record<string, unknown>; message?: string }> = [
    { name: "holder with the current epoch", claim: live, fence: { actor: "alice", epoch: 3 }, ok: true },
    { name: "holder without an epoch", claim: live, fence: { actor: "alice" }, ok: true },
    { name: "holder inside the skew window", claim: claim({ actor: "alice", epoch: 3, expiresAt: iso(NOW - 30_000) }), fence: { actor: "alice", epoch: 3 }, ok: true },
    { name: "wrong epoch (older)", claim: live, fence: { actor: "alice", epoch: 2 }, ok: false, data: { epoch: 2, currentEpoch: 3, holder: "alice" }, message: "your epoch 2 is not the current epoch 3" },
    { name: "wrong epoch (newer)", claim: live, fence: { actor: "alice", epoch: 4 }, ok: false, data: { epoch: 4, currentEpoch: 3 } },
    { name: "another holder with the right epoch", claim: live, fence: { actor: "bob", epoch: 3 }, ok: false, data: { currentEpoch: 3, holder: "alice" }, message: "held by alice, not bob" },
    { name: "another holder without an epoch", claim: live, fence: { actor: "bob" }, ok: false, data: { holder: "alice" } },
    { name: "released", claim: claim({ actor: "alice", epoch: 3, state: "released", ended: { how: "released", at: iso(NOW), by: "alice" } }), fence: { actor: "alice", epoch: 3 }, ok: false, data: { state: "released" }, message: "released by alice" },
    { name: "force-released", claim: claim({ actor: "alice", epoch: 3, state: "force-released", ended: { how: "force-released", at: iso(NOW), by: "carol", reason: "x" } }), fence: { actor: "alice", epoch: 3 }, ok: false, data: { state: "force-released" }, message: "force-released by carol" },
    { name: "stale", claim: claim({ actor: "alice", epoch: 3, expiresAt: iso(NOW - 61_000) }), fence: { actor: "alice", epoch: 3 }, ok: false, data: { expiresAt: iso(NOW - 61_000) }, message: "expired" },
    { name: "no claim at all", claim: undefined, fence: { actor: "alice" }, ok: false, message: "no claim" },
  ];

  it.each(cases)("$name → $ok", (c) => {
    if (c.ok) {
      expect(checkFence(ID, c.claim, c.fence, clock())).toBe(c.claim);
      return;
    }
    const err = thrown(() => checkFence(ID, c.claim, c.fence, clock()));
    expect(err.code).toBe("LEASE_LOST");
    expect(err.exitCode).toBe(3);
    expect(err.data).toMatchObject({ task: ID, ...(c.data ?? {}) });
    expect(err.hint).toContain(`planref claim ${ID}`);
    if (c.message) expect(err.message).toContain(c.message);
  });
});

describe("renewClaim (heartbeat)", () => {
  it("moves claimed → in_progress and extends expiresAt by the lease length from now", () => {
    const c = claim({ actor: "alice", epoch: 3, leaseSeconds: 900, expiresAt: iso(NOW + 10_000) });
    const t = task({ status: "claimed" });
    const r = renewClaim(t, c, { actor: "alice", epoch: 3 }, clock());
    expect(r.task.status).toBe("in_progress");
    expect(r.task.updatedAt).toBe(iso(NOW));
    expect(r.claim).toEqual({ ...c, renewedAt: iso(NOW), expiresAt: iso(NOW + 900_000) });
    // A second heartbeat later extends again and leaves the status alone.
    const again = renewClaim(r.task, r.claim, { actor: "alice" }, clock(NOW + 120_000));
    expect(again.task).toBe(r.task);
    expect(again.claim.expiresAt).toBe(iso(NOW + 120_000 + 900_000));
    expect(again.claim.acquiredAt).toBe(c.acquiredAt);
    expect(again.claim.epoch).toBe(3);
  });

  it.each(["in_progress", "blocked"] as const)("keeps %s as it is", (status) => {
    const t = task({ status });
    expect(renewClaim(t, claim(), { actor: "alice" }, clock()).task).toBe(t);
  });

  it("renews inside the skew window, refuses once stale", () => {
    const t = task({ status: "in_progress" });
    const late = claim({ expiresAt: iso(NOW - 30_000) });
    expect(renewClaim(t, late, { actor: "alice" }, clock()).claim.expiresAt).toBe(iso(NOW + LEASE * 1000));
    expect(thrown(() => renewClaim(t, claim({ expiresAt: iso(NOW - 61_000) }), { actor: "alice" }, clock())).code).toBe("LEASE_LOST");
  });

  it("is fenced: wrong epoch or another actor → LEASE_LOST", () => {
    const t = task({ status: "in_progress" });
    expect(thrown(() => renewClaim(t, claim(), { actor: "alice", epoch: 6 }, clock())).code).toBe("LEASE_LOST");
    expect(thrown(() => renewClaim(t, claim(), { actor: "bob" }, clock())).code).toBe("LEASE_LOST");
  });
});

describe("releaseClaim", () => {
  it.each(["claimed", "in_progress", "blocked"] as const)("the holder releases: %s → ready, claim released and stamped", (status) => {
    const r = releaseClaim({ task: task({ status }), claim: claim(), actor: "alice", epoch: 7, clock: clock() });
    expect(r.task.status).toBe("ready");
    expect(r.task.updatedAt).toBe(iso(NOW));
    expect(r.holder).toBe("alice");
    expect(r.claim).toEqual({ ...claim(), state: "released", ended: { how: "released", at: iso(NOW), by: "alice" } });
  });

  it("the holder releases inside the skew window", () => {
    const r = releaseClaim({ task: task({ status: "in_progress" }), claim: claim({ expiresAt: iso(NOW - 30_000) }), actor: "alice", clock: clock() });
    expect(r.claim.state).toBe("released");
  });

  it("fenced: wrong epoch, another actor, or a stale lease → LEASE_LOST", () => {
    const t = task({ status: "in_progress" });
    expect(thrown(() => releaseClaim({ task: t, claim: claim(), actor: "alice", epoch: 6, clock: clock() })).code).toBe("LEASE_LOST");
    expect(thrown(() => releaseClaim({ task: t, claim: claim(), actor: "bob", clock: clock() })).code).toBe("LEASE_LOST");
    // Even its own holder cannot release a stale claim without --force.
    expect(thrown(() => releaseClaim({ task: t, claim: claim({ expiresAt: iso(NOW - 61_000) }), actor: "alice", clock: clock() })).code).toBe("LEASE_LOST");
  });

  it("force-release by anyone else needs a reason and records both names", () => {
    const t = task({ status: "in_progress" });
    const err = thrown(() => releaseClaim({ task: t, claim: claim(), actor: "carol", force: { reason: " " }, clock: clock() }));
    expect(err.code).toBe("USAGE");
    const r = releaseClaim({ task: t, claim: claim(), actor: "carol", force: { reason: "alice is on leave" }, clock: clock() });
    expect(r.holder).toBe("alice");
    expect(r.task.status).toBe("ready");
    expect(r.claim.state).toBe("force-released");
    expect(r.claim.ended).toEqual({ how: "force-released", at: iso(NOW), by: "carol", reason: "alice is on leave" });
    expect(r.claim.holder.actor).toBe("alice");
  });

  it("force-release ignores the epoch and works on a stale claim", () => {
    const r = releaseClaim({ task: task({ status: "in_progress" }), claim: claim({ expiresAt: iso(NOW - 3_600_000) }), actor: "carol", epoch: 1, force: { reason: "gone" }, clock: clock() });
    expect(r.claim.state).toBe("force-released");
  });

  it.each([
    ["no claim", undefined, "not claimed"],
    ["a released claim", claimIn("released"), "last claim released"],
    ["a force-released claim", claimIn("force-released"), "last claim force-released"],
  ] as const)("releasing %s → INVALID_TRANSITION", (_name, c, message) => {
    for (const force of [undefined, { reason: "r" }]) {
      const err = thrown(() => releaseClaim({ task: task({ status: "ready" }), claim: c, actor: "alice", clock: clock(), ...(force ? { force } : {}) }));
      expect(err.code).toBe("INVALID_TRANSITION");
      expect(err.message).toContain(message);
    }
  });

  it("a live claim on a task that is no longer held (submitted) is ended but the task status is left alone", () => {
    const t = task({ status: "submitted" });
    const r = releaseClaim({ task: t, claim: claim(), actor: "alice", clock: clock() });
    expect(r.task).toBe(t);
    expect(r.claim.state).toBe("released");
  });
});

describe("lease arithmetic and durations", () => {
  it("secondsLeft is rounded and negative once expired", () => {
    expect(secondsLeft(claim({ expiresAt: iso(NOW + 90_400) }), NOW)).toBe(90);
    expect(secondsLeft(claim({ expiresAt: iso(NOW - 30_000) }), NOW)).toBe(-30);
  });

  it.each([
    ["90s", 90],
    ["15m", 900],
    ["2h", 7200],
    ["1d", 86400],
    [" 1s ", 1],
  ])("parseDuration(%j) = %i", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["0s", "15", "m", "1.5m", "-1s", "15 m", "15M", "1w", ""])("parseDuration(%j) is a usage error naming the flag", (text) => {
    const err = thrown(() => parseDuration(text, "--lease"));
    expect(err.code).toBe("USAGE");
    expect(err.message).toContain("--lease");
  });
});
