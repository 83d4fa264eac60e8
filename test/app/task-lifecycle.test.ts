import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { caught } from "../helpers/caught.js";

/** Tasks as a person and an agent handle them: add, edit, cancel, readiness, scores, planning. */

const ROOT = join(import.meta.dirname, "..", "..");
const INVOICE = readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8");
const SPEC = "invoice-export";
const full = (local: string) => `${SPEC}.${local}`;
const RANDOM_ID = /^t-[0-9abcdefghjkmnpqrstvwxyz]{8}$/;

afterAll(cleanupAll);

class Clock {
  t = Date.parse("2030-05-01T08:00:00.000Z");
  readonly now = () => new Date(this.t);
  tick(): string {
    this.t += 60_000;
    return new Date(this.t).toISOString();
  }
  iso(): string {
    return new Date(this.t).toISOString();
  }
}

describe("task add, edit, cancel and readiness outside any PRD", () => {
  let repo: TempRepo;
  let p: Project;
  const clock = new Clock();
  const tip = () => repo.git("rev-parse", "refs/plan/state").trim();

  beforeAll(async () => {
    repo = makeRepo();
    p = openProject({ cwd: repo.dir, env: repo.env, actor: "alice", now: clock.now });
    await p.init({ name: "shop" });
    await p.importSpec({ file: "invoice-export.md", text: INVOICE });
  });
  afterAll(async () => {
    await p?.close();
  });

  it("add gives a random t-xxxxxxxx id, different every time, and a draft task with defaults", async () => {
    clock.tick();
    const a = await p.addTask({ title: "Write the changelog" });
    const b = await p.addTask({ title: "Write the changelog" });
    expect(a.task.id).toMatch(RANDOM_ID);
    expect(b.task.id).toMatch(RANDOM_ID);
    expect(a.task.id).not.toBe(b.task.id);
    expect(a.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(a.task).toMatchObject({
      spec: null,
      localId: a.task.id,
      status: "draft",
      intent: "",
      priority: "medium",
      feature: null,
      parent: null,
      acceptanceCriteria: [],
      verification: [],
      scope: [],
      nonGoals: [],
      dependencies: [],
      requiredEvidence: [],
      manualSteps: [],
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: clock.iso(),
      updatedAt: clock.iso(),
    });
    // Same content, same content hash: the hash is of the content, not of the id.
    expect(a.task.contentHash).toBe(b.task.contentHash);
    // Git-style: an unambiguous prefix names it.
    expect((await p.showTask(a.task.id.slice(0, 6))).task.id).toBe(a.task.id);
    const log = await p.log({ op: "task-add", limit: 1 });
    expect(log[0]).toMatchObject({ op: "task-add", actor: "alice", task: b.task.id });
  });

  it("add takes every content field, attaches to a spec, and resolves PRD ids in dependencies and parent", async () => {
    const r = await p.addTask({
      title: "Export in XLSX",
      spec: "invoice",
      intent: "Some accountants want spreadsheets.",
      priority: "critical",
      acceptanceCriteria: ["opens in Excel", "amounts are numbers"],
      verification: ["npm test -- xlsx"],
      scope: ["src/export/xlsx.ts", "test/export/**"],
      nonGoals: ["formulas"],
      dependencies: ["T001"],
      requiredEvidence: ["tests pass"],
      manualSteps: ["open the file in Excel"],
      parent: "T003",
    });
    expect(r.task.id).toMatch(new RegExp(`^${SPEC}\\.t-[0-9a-z]{8}$`));
    expect(r.task.localId).toMatch(RANDOM_ID);
    expect(r.task).toMatchObject({
      spec: SPEC,
      priority: "critical",
      dependencies: [full("T001")],
      parent: full("T003"),
      scope: ["src/export/xlsx.ts", "test/export/**"],
      nonGoals: ["formulas"],
      requiredEvidence: ["tests pass"],
      manualSteps: ["open the file in Excel"],
    });
    expect((await p.showTask(full("T001"))).dependents).toContain(r.task.id);
  });

  it("add refuses an unknown dependency and writes nothing", async () => {
    const before = tip();
    const err = await caught(p.addTask({ title: "x", dependencies: ["T404"] }));
    expect(err).toMatchObject({ code: "NOT_FOUND", exitCode: 4 });
    expect(tip()).toBe(before);
  });

  it("edit replaces list fields, is a no-op for equal values, and sends a ready task back to draft", async () => {
    const { task } = await p.addTask({ title: "Rate limit exports", acceptanceCriteria: ["a", "b"], verification: ["npm test -- limit"], scope: ["src/a.ts", "src/b.ts"] });
    const replaced = await p.editTask(task.id, { acceptanceCriteria: ["c"], scope: ["src/c.ts"] });
    expect(replaced.fields).toEqual(["acceptanceCriteria", "scope"]);
    expect(replaced.task).toMatchObject({ acceptanceCriteria: ["c"], scope: ["src/c.ts"], verification: ["npm test -- limit"], status: "draft" });
    expect(replaced.statusChange).toBeUndefined();

    const same = await p.editTask(task.id, { acceptanceCriteria: ["c"] });
    expect(same).toMatchObject({ fields: [], commit: null });

    clock.tick();
    const ready = await p.reviewTask({ task: task.id, verdict: "approve" });
    expect(ready.task).toMatchObject({ status: "ready", readiness: { by: "alice", at: clock.iso(), contentHash: replaced.task.contentHash } });
    expect((await p.showTask(task.id)).reviewCurrent).toBe(true);

    // Priority is content too: the readiness review approved the old content.
    const edited = await p.editTask(task.id, { intent: "Protect the PDF renderer.", priority: "high" });
    expect(edited.fields).toEqual(["intent", "priority"]);
    expect(edited.statusChange).toEqual({ from: "ready", to: "draft" });
    expect(edited.commit).toMatch(/^[0-9a-f]{40}$/);
    const shown = await p.showTask(task.id);
    expect(shown.task.status).toBe("draft");
    expect(shown.task.readiness).toBeUndefined();
    expect(shown.task.contentHash).not.toBe(replaced.task.contentHash);
    expect(shown.reviewCurrent).toBe(false);
  });

  it("editing dependencies into a cycle is VALIDATION_FAILED naming the cycle, and writes nothing", async () => {
    const a = (await p.addTask({ title: "A" })).task;
    const b = (await p.addTask({ title: "B", dependencies: [a.id] })).task;
    const c = (await p.addTask({ title: "C", dependencies: [b.id] })).task;
    const before = tip();
    const err = await caught(p.editTask(a.id, { dependencies: [c.id] }));
    expect(err).toMatchObject({ code: "VALIDATION_FAILED", exitCode: 5 });
    expect(err.message).toMatch(/cycle/);
    for (const t of [a, b, c]) expect(err.message).toContain(t.id);
    expect(err.data.issues[0]).toMatchObject({ message: expect.stringContaining("dependency cycle") });
    expect(tip()).toBe(before);
    expect((await p.showTask(a.id)).task.dependencies).toEqual([]);

    const self = await caught(p.editTask(a.id, { dependencies: [a.id] }));
    expect(self).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("depends on itself") });
    expect(tip()).toBe(before);
  });

  it("cancel needs a reason, keeps a tombstone with who, when and why, and cannot be repeated", async () => {
    const { task } = await p.addTask({ title: "Fax export" });
    const before = tip();
    await expect(p.cancelTask(task.id, "  ")).rejects.toMatchObject({ code: "USAGE", exitCode: 2 });
    expect(tip()).toBe(before);

    clock.tick();
    const r = await p.cancelTask(task.id, "nobody owns a fax machine");
    expect(r.task).toMatchObject({ status: "cancelled", cancelled: { reason: "nobody owns a fax machine", by: "alice", at: clock.iso() }, title: "Fax export" });
    expect((await p.showTask(task.id)).task.status).toBe("cancelled");
    expect((await p.listTasks()).map((t) => t.id)).not.toContain(task.id);
    expect((await p.listTasks({ includeCancelled: true })).map((t) => t.id)).toContain(task.id);
    expect((await p.listTasks({ status: ["cancelled"] })).map((t) => t.id)).toEqual([task.id]);
    expect(repo.git("log", "-1", "--format=%B", "refs/plan/state")).toContain("nobody owns a fax machine");

    await expect(p.cancelTask(task.id, "again")).rejects.toMatchObject({ code: "INVALID_TRANSITION", exitCode: 3 });
    await expect(p.editTask(task.id, { title: "Telex export" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(p.reviewTask({ task: task.id, verdict: "approve" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
  });

  it("the readiness review is refused without criteria, without verification, and with an unapproved spec (GATE_REFUSED, exit 6)", async () => {
    const noCriteria = (await p.addTask({ title: "No criteria", verification: ["npm test"] })).task;
    const noVerification = (await p.addTask({ title: "No verification", acceptanceCriteria: ["works"] })).task;
    const nothing = (await p.addTask({ title: "Nothing" })).task;
    const before = tip();

    const e1 = await caught(p.reviewTask({ task: noCriteria.id, verdict: "approve" }));
    expect(e1).toMatchObject({ code: "GATE_REFUSED", exitCode: 6, data: { task: noCriteria.id, findings: [{ rule: "acceptance-criteria", message: expect.any(String) }] } });
    const e2 = await caught(p.reviewTask({ task: noVerification.id, verdict: "approve" }));
    expect(e2.exitCode).toBe(6);
    expect(e2.data.findings.map((f: { rule: string }) => f.rule)).toEqual(["verification"]);
    const e3 = await caught(p.reviewTask({ task: nothing.id, verdict: "approve" }));
    expect(e3.data.findings.map((f: { rule: string }) => f.rule)).toEqual(["acceptance-criteria", "verification"]);
    expect(e3.hint).toMatch(/task edit/);

    // A PRD task with criteria and verification still waits for its spec's approval.
    const e4 = await caught(p.reviewTask({ task: "T001", verdict: "approve" }));
    expect(e4).toMatchObject({ code: "GATE_REFUSED", exitCode: 6 });
    expect(e4.data.findings).toEqual([{ rule: "spec-approved", message: `spec ${SPEC} is draft, not approved` }]);
    expect(e4.message).toContain(full("T001"));
    expect(tip()).toBe(before);

    // request-changes is recorded and keeps the task in draft.
    const rc = await p.reviewTask({ task: nothing.id, verdict: "request-changes", note: "add criteria" });
    expect(rc.task.status).toBe("draft");
    expect(tip()).not.toBe(before);
    expect((await p.log({ limit: 1 }))[0]).toMatchObject({ op: "task-review", task: nothing.id, trailers: { "Planref-Verdict": ["request-changes"] } });

    // Once fixed, the same task passes; a ready task cannot be reviewed again.
    await p.editTask(nothing.id, { acceptanceCriteria: ["does something"], verification: ["true"] });
    expect((await p.reviewTask({ task: nothing.id, verdict: "approve" })).task.status).toBe("ready");
    await expect(p.reviewTask({ task: nothing.id, verdict: "approve" })).rejects.toMatchObject({ code: "INVALID_TRANSITION", exitCode: 3 });
  });

  it("a score override is recorded with actor and reason, visible in showTask; 0 and 6 are refused", async () => {
    const { task } = await p.addTask({ title: "Tune the exporter", acceptanceCriteria: ["faster"], verification: ["npm run bench"], scope: ["src/export/**"] });
    const computed = (await p.showTask(task.id)).scores.complexity;
    expect(computed.source).toBe("computed");
    const value = computed.value === 4 ? 5 : 4;

    clock.tick();
    const r = await p.overrideScore({ task: task.id, dimension: "complexity", value, reason: "the hot path is subtle" });
    expect(r.task.scoreOverrides).toEqual({ complexity: { value, reason: "the hot path is subtle", actor: "alice", at: clock.iso() } });
    const shown = await p.showTask(task.id);
    expect(shown.scores.complexity).toEqual({ value, reason: "the hot path is subtle", source: "override", actor: "alice", overriddenReason: computed.reason, computedValue: computed.value });
    expect(shown.scores.contextLoad.source).toBe("computed");
    // A score is not content: the task keeps its status and content hash.
    expect(shown.task.contentHash).toBe(task.contentHash);
    expect((await p.scores({ task: task.id })).scores[0]?.scores.complexity).toMatchObject({ value, source: "override" });
    expect((await p.log({ op: "score", limit: 1 }))[0]).toMatchObject({ actor: "alice", task: task.id, subject: `set complexity=${value} on task ${task.id}` });

    const before = tip();
    for (const bad of [0, 6]) {
      const err = await caught(p.overrideScore({ task: task.id, dimension: "reviewRisk", value: bad, reason: "no" }));
      expect(err.code).toBe("VALIDATION_FAILED");
      expect(err.data.issues[0].message).toContain(`${bad}, not an integer from 1 to 5`);
    }
    await expect(p.overrideScore({ task: task.id, dimension: "beauty", value: 3, reason: "pretty" })).rejects.toMatchObject({ code: "USAGE", exitCode: 2 });
    await expect(p.overrideScore({ task: task.id, dimension: "reviewRisk", value: 3, reason: " " })).rejects.toMatchObject({ code: "USAGE" });
    expect(tip()).toBe(before);
    expect((await p.showTask(task.id)).task.scoreOverrides).toEqual(r.task.scoreOverrides);
  });
});

describe("next, waves and graph on the invoice fixture", () => {
  let repo: TempRepo;
  let p: Project;

  beforeAll(async () => {
    repo = makeRepo();
    p = openProject({ cwd: repo.dir, env: repo.env, actor: "alice" });
    await p.init();
    await p.importSpec({ file: "invoice-export.md", text: INVOICE });
  });
  afterAll(async () => {
    await p?.close();
  });

  it("before approval nothing is claimable, and waves say every task needs a readiness review", async () => {
    const next = await p.next();
    expect(next.candidate).toBeNull();
    expect(next.reason).toMatch(/^nothing is claimable: 5 draft needing a readiness review/);
    const w = await p.waves();
    expect(w.needsReview).toEqual(["T001", "T002", "T003", "T004", "T005"].map(full));
    expect(w.waves).toEqual([[full("T001"), full("T002")], [full("T003"), full("T004")], [full("T005")]]);
  });

  it("after approval: next picks T001 (high priority, unblocks the most)", async () => {
    await p.reviewSpec({ spec: SPEC, verdict: "approve" });
    for (const t of ["T001", "T002", "T003", "T004", "T005"]) await p.reviewTask({ task: t, verdict: "approve" });
    const next = await p.next();
    expect(next.candidate).toMatchObject({ id: full("T001"), priority: "high", unblocks: 3, rank: 1 });
    // A person at the terminal is a human actor unless PLANREF_ACTOR_KIND or an agent's environment says otherwise.
    expect(next.candidate?.reasons).toEqual(["priority high", "unblocks 3 tasks", expect.stringContaining("suits a human")]);
    expect(next.claimableCount).toBe(2);
    expect(next.notClaimable.map((n) => n.taskId)).toEqual([full("T003"), full("T004"), full("T005")]);
    expect(next.notClaimable[0]).toMatchObject({ codes: ["dependencies"], reasons: [`${full("T003")} waits on ${full("T001")} (ready)`, `${full("T003")} waits on ${full("T002")} (ready)`] });
    const agent = await p.next({ kind: "agent" });
    expect(agent.candidate?.id).toBe(full("T001"));
    expect(agent.candidate?.reasons[2]).toContain("suits an agent");
    expect((await p.listTasks({ ready: true })).map((t) => t.id)).toEqual([full("T001"), full("T002")]);
  });

  it("waves are [[T001, T002], [T003, T004], [T005]], and --agents caps each wave", async () => {
    const w = await p.waves();
    expect(w).toEqual({
      waves: [[full("T001"), full("T002")], [full("T003"), full("T004")], [full("T005")]],
      inFlight: [],
      needsReview: [],
      unschedulable: [],
      notes: [],
    });
    expect((await p.waves({ agents: 1 })).waves).toEqual([[full("T001")], [full("T002")], [full("T003")], [full("T004")], [full("T005")]]);
    await expect(p.waves({ agents: 0 })).rejects.toMatchObject({ code: "USAGE", exitCode: 2 });
  });

  it("the graph has an edge from each dependency to its dependent, and each node's wave", async () => {
    const g = await p.graph();
    expect(g.nodes.map((n) => [n.id, n.status, n.priority, n.wave])).toEqual([
      [full("T001"), "ready", "high", 0],
      [full("T002"), "ready", "medium", 0],
      [full("T003"), "ready", "high", 1],
      [full("T004"), "ready", "medium", 1],
      [full("T005"), "ready", "low", 2],
    ]);
    expect(g.edges).toEqual([
      { from: full("T001"), to: full("T003") },
      { from: full("T002"), to: full("T003") },
      { from: full("T001"), to: full("T004") },
      { from: full("T002"), to: full("T004") },
      { from: full("T004"), to: full("T005") },
    ]);
  });

  it("scores cover every open task, and a cancelled task leaves the schedule and the graph", async () => {
    const all = await p.scores();
    expect(all.scores.map((s) => s.id)).toEqual(["T001", "T002", "T003", "T004", "T005"].map(full));
    for (const s of all.scores) {
      for (const v of Object.values(s.scores)) {
        expect(v.value).toBeGreaterThanOrEqual(1);
        expect(v.value).toBeLessThanOrEqual(5);
        expect(v.reason.length).toBeGreaterThan(0);
      }
    }
    await p.cancelTask("T005", "batch jobs come later");
    expect((await p.waves()).waves).toEqual([[full("T001"), full("T002")], [full("T003"), full("T004")]]);
    expect((await p.graph()).nodes.map((n) => n.id)).not.toContain(full("T005"));
    expect((await p.scores()).scores.map((s) => s.id)).not.toContain(full("T005"));
    expect((await p.next()).candidate?.unblocks).toBe(2);
  });
});
