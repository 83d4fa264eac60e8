/**
 * The cross-check at submit time and the done gate at apply time, as pure functions over
 * hand-built documents: what counts as seen, as verified, as fresh, as in scope, as reviewed,
 * and which findings a waiver can settle.
 */
import { describe, expect, it } from "vitest";
import { captured, lastChangeAt, requiredEvidenceFindings, scopeFindings, verificationFindings } from "../../../src/domain/gate/checks.js";
import { crossCheck, type CrossCheckInput } from "../../../src/domain/gate/cross-check.js";
import { evaluateGate, type GateInput } from "../../../src/domain/gate/done-gate.js";
import type { EvidenceDoc, Finding, ReviewDoc, SubmissionDoc, TaskDoc } from "../../../src/schema/types.js";

const T0 = Date.parse("2030-06-01T09:00:00.000Z");
/** Minutes after T0, as the ISO time evidence carries. */
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const HEAD = "a".repeat(40);
const OLD_HEAD = "b".repeat(40);
const VERIFY = "npm test -- csv";
const VERIFY2 = "npm run lint";
const ID = "invoice-export.T001";
const SCOPE = ["src/export/**", "test/export/**"];

function task(fields: Partial<TaskDoc> = {}): TaskDoc {
  return {
    id: ID,
    spec: "invoice-export",
    localId: "T001",
    title: "Invoice to CSV serializer",
    intent: "Write a pure function from an invoice record to CSV text.",
    status: "accepted",
    priority: "high",
    feature: null,
    parent: null,
    acceptanceCriteria: ["Columns follow the accounting import spec"],
    verification: [VERIFY],
    scope: SCOPE,
    nonGoals: [],
    dependencies: [],
    requiredEvidence: [],
    manualSteps: [],
    contentHash: "0".repeat(64),
    createdAt: at(-60),
    updatedAt: at(-60),
    ...fields,
  };
}

let seq = 0;
/** A command run (default: the verification command, passing, captured by planref at HEAD) finishing `min` minutes after T0. */
function run(min: number, fields: Partial<EvidenceDoc> = {}): EvidenceDoc {
  seq += 1;
  return {
    id: `ev-${String(seq).padStart(4, "0")}`,
    task: ID,
    epoch: 1,
    kind: "command",
    capturedBy: "planref",
    actor: "agent-a",
    command: VERIFY,
    exitCode: 0,
    durationMs: 1200,
    outputTail: "ok\n",
    outputSha256: "c".repeat(64),
    outputBytes: 3,
    redactions: 0,
    cwd: "/w/T001",
    head: HEAD,
    filesChanged: ["src/export/csv.ts"],
    startedAt: at(min - 0.5),
    finishedAt: at(min),
    ...fields,
  };
}

/** An edit a hook saw, finishing `min` minutes after T0. */
function edit(min: number, files = ["src/export/csv.ts"], fields: Partial<EvidenceDoc> = {}): EvidenceDoc {
  seq += 1;
  return {
    id: `ev-${String(seq).padStart(4, "0")}`,
    task: ID,
    epoch: 1,
    kind: "edit",
    capturedBy: "hook",
    source: { agent: "claude", event: "PostToolUse", tool: "Edit" },
    actor: "agent-a",
    files,
    cwd: "/w/T001",
    head: HEAD,
    filesChanged: files,
    startedAt: at(min),
    finishedAt: at(min),
    ...fields,
  };
}

const ids = (fs: readonly Finding[]) => fs.map((f) => f.id);
const rules = (fs: readonly Finding[]) => fs.map((f) => f.rule);

describe("checks: what counts as captured and as a change", () => {
  it("only the agent's own report is not captured evidence", () => {
    expect(captured(run(1, { capturedBy: "planref" }))).toBe(true);
    expect(captured(run(1, { capturedBy: "hook" }))).toBe(true);
    expect(captured(run(1, { capturedBy: "agent" }))).toBe(false);
  });

  it("the last change is the latest edit, or the latest record made at another HEAD", () => {
    expect(lastChangeAt([], HEAD)).toBeNull();
    expect(lastChangeAt([run(1), run(2)], HEAD)).toBeNull();
    expect(lastChangeAt([edit(1), run(2), edit(3), run(4)], HEAD)).toBe(at(3));
    expect(lastChangeAt([run(5, { head: OLD_HEAD }), edit(3)], HEAD)).toBe(at(5));
    // Without a known HEAD only edits count.
    expect(lastChangeAt([run(5, { head: OLD_HEAD }), edit(3)], null)).toBe(at(3));
  });

  it("scope findings name each file outside the globs; an empty scope has none", () => {
    expect(scopeFindings(["src/export/csv.ts", "README.md", "src/db/schema.ts"], SCOPE)).toEqual([
      { id: "out-of-scope:README.md", rule: "out-of-scope", message: expect.stringContaining("README.md changed outside the claimed scope") },
      { id: "out-of-scope:src/db/schema.ts", rule: "out-of-scope", message: expect.stringContaining("src/export/**") },
    ]);
    expect(scopeFindings(["anything.md"], [])).toEqual([]);
  });
});

describe("crossCheck: the agent's report against captured evidence and git", () => {
  const base = (over: Partial<CrossCheckInput> = {}): CrossCheckInput => ({
    task: task(),
    reportedCommands: [],
    declaredFiles: [],
    evidence: [edit(1), run(2)],
    head: HEAD,
    changedFiles: ["src/export/csv.ts"],
    scope: SCOPE,
    ...over,
  });

  const table: Array<{ name: string; input: Partial<CrossCheckInput>; expected: string[] }> = [
    { name: "a report that matches what was seen", input: { reportedCommands: [VERIFY], declaredFiles: ["src/export/csv.ts"] }, expected: [] },
    { name: "a command that was never seen", input: { reportedCommands: [VERIFY, "npm run e2e"] }, expected: ["unseen-command:npm run e2e"] },
    {
      name: "a command seen only in the agent's own report",
      input: { reportedCommands: ["npm run e2e"], evidence: [edit(1), run(2), run(3, { command: "npm run e2e", capturedBy: "agent" })] },
      expected: ["unseen-command:npm run e2e"],
    },
    {
      name: "a command seen by a hook, reported with other spacing and backticks",
      input: { reportedCommands: [" `npm  run e2e`"], evidence: [edit(1), run(2), run(3, { command: "npm run e2e", capturedBy: "hook" })] },
      expected: [],
    },
    {
      name: "an edit is not a command",
      input: { reportedCommands: ["src/export/csv.ts"] },
      expected: ["unseen-command:src/export/csv.ts"],
    },
    { name: "verification never run", input: { evidence: [edit(1)] }, expected: [`verification-not-run:${VERIFY}`] },
    { name: "verification failing", input: { evidence: [edit(1), run(2, { exitCode: 1 })] }, expected: [`verification-failing:${VERIFY}`] },
    { name: "verification failing after an earlier pass", input: { evidence: [edit(1), run(2), run(3, { exitCode: 2 })] }, expected: [`verification-failing:${VERIFY}`] },
    { name: "verification passing after an earlier failure", input: { evidence: [edit(1), run(2, { exitCode: 1 }), run(3)] }, expected: [] },
    { name: "verification at an older HEAD", input: { evidence: [edit(1), run(2, { head: OLD_HEAD })] }, expected: [`verification-stale:${VERIFY}`] },
    { name: "verification run before the last edit", input: { evidence: [edit(1), run(2), edit(3)] }, expected: [`verification-stale:${VERIFY}`] },
    {
      name: "verification started before an edit that landed while it ran",
      input: { evidence: [run(3, { startedAt: at(1) }), edit(2)] },
      expected: [`verification-stale:${VERIFY}`],
    },
    { name: "verification only self-reported", input: { evidence: [edit(1), run(2, { capturedBy: "agent" })] }, expected: [`verification-self-reported:${VERIFY}`] },
    { name: "verification seen by a hook", input: { evidence: [edit(1), run(2, { capturedBy: "hook", source: { agent: "claude", event: "PostToolUse", tool: "Bash" } })] }, expected: [] },
    { name: "HEAD unknown: staleness by HEAD is not judged", input: { head: null, evidence: [run(2, { head: OLD_HEAD })] }, expected: [] },
    {
      name: "every verification command is checked on its own",
      input: { task: task({ verification: [VERIFY, VERIFY2] }), evidence: [edit(1), run(2)] },
      expected: [`verification-not-run:${VERIFY2}`],
    },
    { name: "a file changed outside the scope", input: { changedFiles: ["src/export/csv.ts", "README.md"] }, expected: ["out-of-scope:README.md"] },
    { name: "no scope on the claim: nothing is out of scope", input: { scope: [], changedFiles: ["README.md"] }, expected: [] },
    { name: "a declared file that did not change", input: { declaredFiles: ["src/export/csv.ts", "src/export/pdf.ts"] }, expected: ["declared-unchanged:src/export/pdf.ts"] },
    { name: "a declared file spelled ./path", input: { declaredFiles: ["./src/export/csv.ts"] }, expected: [] },
  ];

  it.each(table)("$name", ({ input, expected }) => {
    expect(ids(crossCheck(base(input)))).toEqual(expected);
  });

  it("reports everything at once, in a stable order: commands, verification, scope, declared files", () => {
    const findings = crossCheck(
      base({
        reportedCommands: ["npm run fabricated"],
        declaredFiles: ["src/export/pdf.ts"],
        evidence: [run(1, { exitCode: 1 }), edit(2)],
        changedFiles: ["src/export/csv.ts", "README.md"],
      }),
    );
    expect(rules(findings)).toEqual(["unseen-command", "verification-failing", "out-of-scope", "declared-unchanged"]);
    for (const f of findings) expect(f.message.length).toBeGreaterThan(10);
    expect(findings[1]?.message).toContain("exited 1");
  });

  it("a declared absolute path is compared as written (documented behaviour: agents should pass repo-relative paths)", () => {
    // Claude Code's tools speak absolute paths, so an agent may well declare one.
    expect(ids(crossCheck(base({ declaredFiles: ["/w/T001/src/export/csv.ts"] })))).toEqual(["declared-unchanged:/w/T001/src/export/csv.ts"]);
  });
});

describe("verification runs whose exit status is unknown (Codex PostToolUse, interrupted Bash)", () => {
  // Codex reports no exit status, so a hook records exitCode null. Such a run says nothing
  // about pass or fail; it must not overrule a passing `planref verify` seen just before it.
  it("a later run with an unknown exit status turns a passing verification into 'verification-failing ... exited null'", () => {
    const evidence = [edit(1), run(2), run(3, { capturedBy: "hook", exitCode: null, source: { agent: "codex", event: "PostToolUse", tool: "shell" } })];
    const findings = verificationFindings(task(), evidence, HEAD);
    expect(findings.map((f) => f.message).join("\n")).not.toMatch(/exited null/);
    expect(ids(findings)).toEqual([]);
  });
});

describe("requiredEvidenceFindings", () => {
  const t = task({ requiredEvidence: ["tests pass", "screenshot of the export"] });
  it("passing fresh verification satisfies every item", () => {
    expect(requiredEvidenceFindings(t, [], true)).toEqual([]);
  });
  it("otherwise each item needs a passing captured run labelled with it", () => {
    const labelled = run(2, { command: "npm run screenshot", label: "screenshot of the export" });
    expect(ids(requiredEvidenceFindings(t, [labelled], false))).toEqual(["evidence-missing:tests pass"]);
    expect(ids(requiredEvidenceFindings(t, [{ ...labelled, exitCode: 1 }], false))).toEqual(["evidence-missing:tests pass", "evidence-missing:screenshot of the export"]);
    expect(ids(requiredEvidenceFindings(t, [{ ...labelled, capturedBy: "agent" }], false))).toEqual(["evidence-missing:tests pass", "evidence-missing:screenshot of the export"]);
  });
});

describe("evaluateGate: the done gate", () => {
  const submission = (fields: Partial<SubmissionDoc> = {}): SubmissionDoc => ({
    id: "sub-2",
    task: ID,
    epoch: 1,
    by: "agent-a",
    at: at(10),
    summary: "CSV serializer",
    reported: { commands: [VERIFY], files: ["src/export/csv.ts"] },
    head: HEAD,
    baseCommit: OLD_HEAD,
    branch: "planref/invoice-export.T001",
    changedFiles: ["src/export/csv.ts"],
    findings: [],
    ...fields,
  });
  const review = (fields: Partial<ReviewDoc> = {}): ReviewDoc => ({ id: `rv-${fields.at ?? at(11)}`, task: ID, submission: "sub-2", by: "rev", at: at(11), verdict: "approve", ...fields });
  const input = (over: Partial<GateInput> = {}): GateInput => ({
    task: task(),
    submission: submission(),
    reviews: [review()],
    evidence: [edit(1), run(2)],
    head: HEAD,
    changedFiles: ["src/export/csv.ts"],
    scope: SCOPE,
    claimant: "agent-a",
    distinctReviewer: true,
    requireFreshVerification: true,
    waivers: new Map(),
    ...over,
  });

  it("holds with an approving review by someone else and fresh passing verification", () => {
    const r = evaluateGate(input());
    expect(r).toMatchObject({ task: ID, holds: true, findings: [], blocking: [] });
    expect(r.review?.by).toBe("rev");
  });

  const table: Array<{ name: string; input: Partial<GateInput>; blocking: string[] }> = [
    { name: "no submission at all", input: { submission: undefined, reviews: [] }, blocking: ["review-missing:submission"] },
    { name: "a submission without a review", input: { reviews: [] }, blocking: ["review-missing"] },
    { name: "only a review of an earlier submission", input: { reviews: [review({ submission: "sub-1" })] }, blocking: ["review-missing"] },
    { name: "the latest review requests changes", input: { reviews: [review({ at: at(11) }), review({ at: at(12), verdict: "request-changes" })] }, blocking: ["review-not-approved"] },
    { name: "the latest review rejects", input: { reviews: [review({ verdict: "reject" })] }, blocking: ["review-not-approved"] },
    { name: "an approval after a request for changes", input: { reviews: [review({ at: at(12) }), review({ at: at(11), verdict: "request-changes" })] }, blocking: [] },
    { name: "approved by the claimant, distinct reviewer required", input: { reviews: [review({ by: "agent-a" })] }, blocking: ["review-by-claimant"] },
    { name: "approved by the claimant, distinct reviewer not required", input: { reviews: [review({ by: "agent-a" })], distinctReviewer: false }, blocking: [] },
    { name: "claimant unknown", input: { reviews: [review({ by: "agent-a" })], claimant: null }, blocking: [] },
    { name: "verification not run", input: { evidence: [edit(1)] }, blocking: [`verification-not-run:${VERIFY}`] },
    { name: "verification failing", input: { evidence: [edit(1), run(2, { exitCode: 1 })] }, blocking: [`verification-failing:${VERIFY}`] },
    { name: "verification at an older HEAD", input: { evidence: [edit(1), run(2, { head: OLD_HEAD })] }, blocking: [`verification-stale:${VERIFY}`] },
    { name: "verification run before the last edit", input: { evidence: [run(2), edit(3)] }, blocking: [`verification-stale:${VERIFY}`] },
    { name: "stale verification when freshness is not required", input: { evidence: [run(2, { head: OLD_HEAD }), edit(3)], requireFreshVerification: false }, blocking: [] },
    { name: "failing verification even when freshness is not required", input: { evidence: [run(2, { exitCode: 1 })], requireFreshVerification: false }, blocking: [`verification-failing:${VERIFY}`] },
    { name: "verification only self-reported", input: { evidence: [edit(1), run(2, { capturedBy: "agent" })] }, blocking: [`verification-self-reported:${VERIFY}`] },
    { name: "a file outside the scope", input: { changedFiles: ["src/export/csv.ts", "README.md"] }, blocking: ["out-of-scope:README.md"] },
    {
      name: "everything wrong at once",
      input: { reviews: [], evidence: [], changedFiles: ["README.md"] },
      blocking: ["review-missing", `verification-not-run:${VERIFY}`, "out-of-scope:README.md"],
    },
  ];

  it.each(table)("$name", ({ input: over, blocking }) => {
    const r = evaluateGate(input(over));
    expect(ids(r.blocking)).toEqual(blocking);
    expect(r.holds).toBe(blocking.length === 0);
    expect(ids(r.findings)).toEqual(blocking);
  });

  it("submission findings (unseen commands, declared files) are for the reviewer; the gate does not re-raise them", () => {
    const sub = submission({ findings: [{ id: "unseen-command:npm run e2e", rule: "unseen-command", message: "x" }] });
    expect(evaluateGate(input({ submission: sub })).holds).toBe(true);
  });

  describe("required evidence", () => {
    const t = task({ requiredEvidence: ["tests pass"] });
    it("is satisfied by passing fresh verification", () => {
      expect(evaluateGate(input({ task: t })).holds).toBe(true);
    });
    it("is satisfied by a passing captured run labelled with it (verification still has to pass)", () => {
      const labelled = run(3, { command: "npm test", label: "tests pass" });
      const r = evaluateGate(input({ task: t, evidence: [edit(1), run(2, { exitCode: 1 }), labelled] }));
      expect(ids(r.blocking)).toEqual([`verification-failing:${VERIFY}`]);
    });
    it("is missing when verification does not pass and nothing is labelled with it", () => {
      const r = evaluateGate(input({ task: t, evidence: [edit(1), run(2, { exitCode: 1 })] }));
      expect(ids(r.blocking)).toEqual([`verification-failing:${VERIFY}`, "evidence-missing:tests pass"]);
    });
    it("a labelled run the agent only reported does not count", () => {
      const r = evaluateGate(input({ task: t, evidence: [run(2, { exitCode: 1 }), run(3, { command: "npm test", label: "tests pass", capturedBy: "agent" })] }));
      expect(ids(r.blocking)).toContain("evidence-missing:tests pass");
    });
  });

  describe("waivers", () => {
    it("settle judgement calls: an out-of-scope file and missing evidence, with the reason kept", () => {
      const r = evaluateGate(
        input({
          task: task({ requiredEvidence: ["screenshot"] }),
          evidence: [edit(1), run(2)],
          changedFiles: ["src/export/csv.ts", "README.md"],
          waivers: new Map([["out-of-scope:README.md", "doc typo fixed on the way"]]),
        }),
      );
      expect(r.holds).toBe(true);
      expect(r.blocking).toEqual([]);
      expect(r.findings).toEqual([expect.objectContaining({ id: "out-of-scope:README.md", waived: "doc typo fixed on the way" })]);

      const missing = evaluateGate(input({ task: task({ requiredEvidence: ["screenshot"] }), evidence: [run(2, { exitCode: 1 })], requireFreshVerification: false }));
      expect(ids(missing.blocking)).toEqual([`verification-failing:${VERIFY}`, "evidence-missing:screenshot"]);
      const waived = evaluateGate(
        input({ task: task({ requiredEvidence: ["screenshot"] }), evidence: [run(2, { exitCode: 1 })], waivers: new Map([["evidence-missing:screenshot", "manual check"]]) }),
      );
      expect(ids(waived.blocking)).toEqual([`verification-failing:${VERIFY}`]);
    });

    it("a waiver for another finding id does nothing", () => {
      const r = evaluateGate(input({ changedFiles: ["README.md"], waivers: new Map([["out-of-scope:README", "typo in the id"]]) }));
      expect(ids(r.blocking)).toEqual(["out-of-scope:README.md"]);
    });

    const facts: Array<{ name: string; over: Partial<GateInput>; id: string }> = [
      { name: "verification failing", over: { evidence: [run(2, { exitCode: 1 })] }, id: `verification-failing:${VERIFY}` },
      { name: "verification not run", over: { evidence: [] }, id: `verification-not-run:${VERIFY}` },
      { name: "verification stale", over: { evidence: [run(2, { head: OLD_HEAD })] }, id: `verification-stale:${VERIFY}` },
      { name: "verification self-reported", over: { evidence: [run(2, { capturedBy: "agent" })] }, id: `verification-self-reported:${VERIFY}` },
      { name: "review missing", over: { reviews: [] }, id: "review-missing" },
      { name: "review not approved", over: { reviews: [review({ verdict: "reject" })] }, id: "review-not-approved" },
      { name: "review by the claimant", over: { reviews: [review({ by: "agent-a" })] }, id: "review-by-claimant" },
    ];
    it.each(facts)("cannot waive a fact: $name", ({ over, id }) => {
      const r = evaluateGate(input({ ...over, waivers: new Map([[id, "trust me"]]) }));
      expect(r.holds).toBe(false);
      expect(ids(r.blocking)).toContain(id);
      expect(r.findings.find((f) => f.id === id)).not.toHaveProperty("waived");
    });
  });
});
