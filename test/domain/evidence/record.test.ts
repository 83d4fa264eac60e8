/**
 * recordEvidence: evidence attaches only to the caller's current claim (fencing), marks the
 * task in progress, and renews the lease at most once per heartbeat interval.
 */
import { describe, expect, it } from "vitest";
import type { LeaseClock } from "../../../src/domain/claims/lease.js";
import { recordEvidence, type RecordInput } from "../../../src/domain/evidence/record.js";
import type { PlanrefError } from "../../../src/errors.js";
import type { ClaimDoc, EvidenceDoc, TaskDoc } from "../../../src/schema/types.js";

const NOW = Date.parse("2030-03-01T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const LEASE = 900;
const HEARTBEAT = 120;
const SKEW = 120;
const ID = "invoice-export.T001";
const VERIFY = "npm test -- csv";

function task(fields: Partial<TaskDoc> = {}): TaskDoc {
  return {
    id: ID,
    spec: "invoice-export",
    localId: "T001",
    title: "Invoice to CSV serializer",
    intent: "",
    status: "in_progress",
    priority: "high",
    feature: null,
    parent: null,
    acceptanceCriteria: ["a"],
    verification: [VERIFY],
    scope: ["src/export/**"],
    nonGoals: [],
    dependencies: [],
    requiredEvidence: [],
    manualSteps: [],
    contentHash: "0".repeat(64),
    createdAt: iso(NOW - 7_200_000),
    updatedAt: iso(NOW - 7_200_000),
    ...fields,
  };
}

/** A live claim by agent-a at epoch 3, renewed `renewedAgo` seconds before NOW. */
function claim(renewedAgo = 30, fields: Partial<ClaimDoc> = {}): ClaimDoc {
  const renewed = NOW - renewedAgo * 1000;
  return {
    task: ID,
    epoch: 3,
    state: "live",
    holder: { actor: "agent-a", kind: "agent", host: "box", worktree: "/w/T001" },
    acquiredAt: iso(renewed - 600_000),
    renewedAt: iso(renewed),
    leaseSeconds: LEASE,
    expiresAt: iso(renewed + LEASE * 1000),
    scope: ["src/export/**"],
    baseCommit: "b".repeat(40),
    branch: "planref/invoice-export.T001",
    worktree: "/w/T001",
    attempts: [],
    ...fields,
  };
}

const evidence = (fields: Partial<RecordInput["evidence"]> = {}): RecordInput["evidence"] => ({
  id: "20300301T120000000Z-abcdefgh",
  kind: "command",
  capturedBy: "planref",
  actor: "agent-a",
  command: VERIFY,
  exitCode: 0,
  durationMs: 900,
  outputTail: "ok",
  outputSha256: "c".repeat(64),
  outputBytes: 2,
  redactions: 0,
  cwd: "/w/T001",
  head: "a".repeat(40),
  filesChanged: [],
  startedAt: iso(NOW - 1000),
  finishedAt: iso(NOW),
  ...fields,
});

const clock = (now = NOW): LeaseClock => ({ now, skewSeconds: SKEW });

function input(over: Partial<RecordInput> = {}): RecordInput {
  return { task: task(), claim: claim(), fence: { actor: "agent-a", epoch: 3 }, clock: clock(), heartbeatIntervalSeconds: HEARTBEAT, evidence: evidence(), ...over };
}

function leaseLost(f: () => unknown): PlanrefError {
  try {
    f();
  } catch (e) {
    return e as PlanrefError;
  }
  throw new Error("expected LEASE_LOST");
}

describe("fencing", () => {
  const lost: Array<{ name: string; over: Partial<RecordInput>; message: RegExp }> = [
    { name: "no claim on the task", over: { claim: undefined }, message: /has no claim/ },
    { name: "an older epoch", over: { fence: { actor: "agent-a", epoch: 2 } }, message: /epoch 2 is not the current epoch 3/ },
    { name: "a newer epoch", over: { fence: { actor: "agent-a", epoch: 4 } }, message: /epoch 4/ },
    { name: "another holder", over: { fence: { actor: "agent-b" } }, message: /held by agent-a, not agent-b/ },
    { name: "another holder naming the right epoch", over: { fence: { actor: "agent-b", epoch: 3 } }, message: /held by agent-a/ },
    { name: "a released claim", over: { claim: claim(30, { state: "released", ended: { how: "released", at: iso(NOW - 1000), by: "agent-a" } }) }, message: /released/ },
    {
      name: "a force-released claim",
      over: { claim: claim(30, { state: "force-released", ended: { how: "force-released", at: iso(NOW - 1000), by: "boss", reason: "stuck" } }) },
      message: /force-released by boss/,
    },
    { name: "a stale lease (past expiry plus the skew margin)", over: { claim: claim(0), clock: clock(NOW + (LEASE + SKEW + 1) * 1000) }, message: /expired/ },
  ];
  it.each(lost)("LEASE_LOST on $name, before anything is written", ({ over, message }) => {
    const e = leaseLost(() => recordEvidence(input(over)));
    expect(e.code).toBe("LEASE_LOST");
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(message);
    expect(e.hint).toContain("planref claim");
  });

  it("an expired lease still inside the skew margin is accepted", () => {
    const r = recordEvidence(input({ claim: claim(0), clock: clock(NOW + (LEASE + SKEW - 5) * 1000) }));
    expect(r.evidence.epoch).toBe(3);
  });

  it("without an epoch, the fence is the actor", () => {
    expect(recordEvidence(input({ fence: { actor: "agent-a" } })).evidence.epoch).toBe(3);
  });
});

describe("the record", () => {
  it("carries the task, the claim's epoch and whether the command is a verification command", () => {
    const r = recordEvidence(input());
    expect(r.evidence).toEqual({ ...evidence(), task: ID, epoch: 3, verification: true } satisfies EvidenceDoc);
    expect(recordEvidence(input({ evidence: evidence({ command: "npm  test --  csv" }) })).evidence.verification).toBe(true);
    expect(recordEvidence(input({ evidence: evidence({ command: "npm test" }) })).evidence.verification).toBe(false);
  });

  it("an edit has no verification flag", () => {
    const e = evidence({ kind: "edit", capturedBy: "hook", files: ["src/export/csv.ts"] });
    delete e.command;
    delete e.exitCode;
    const r = recordEvidence(input({ evidence: e }));
    expect(r.evidence).not.toHaveProperty("verification");
    expect(r.evidence.files).toEqual(["src/export/csv.ts"]);
  });
});

describe("heartbeat on activity, at most once per interval", () => {
  it("within the interval the claim is left as it is", () => {
    const c = claim(HEARTBEAT - 1);
    const r = recordEvidence(input({ claim: c }));
    expect(r.renewed).toBe(false);
    expect(r.claim).toEqual(c);
    expect(r.task.status).toBe("in_progress");
  });

  it("once the interval has passed the lease is renewed from now", () => {
    for (const ago of [HEARTBEAT, HEARTBEAT + 1, LEASE - 1]) {
      const r = recordEvidence(input({ claim: claim(ago) }));
      expect(r.renewed, `renewed ${ago}s ago`).toBe(true);
      expect(r.claim.renewedAt).toBe(iso(NOW));
      expect(r.claim.expiresAt).toBe(iso(NOW + LEASE * 1000));
      expect(r.claim.epoch).toBe(3);
    }
  });

  it("the first activity moves a claimed task to in_progress, even inside the interval", () => {
    const c = claim(5);
    const r = recordEvidence(input({ task: task({ status: "claimed" }), claim: c }));
    expect(r.task.status).toBe("in_progress");
    expect(r.task.updatedAt).toBe(iso(NOW));
    expect(r.renewed).toBe(false);
    expect(r.claim).toEqual(c);
  });

  it("a task already in progress is not touched", () => {
    const t = task();
    expect(recordEvidence(input({ task: t, claim: claim(HEARTBEAT * 2) })).task).toBe(t);
  });
});
