/**
 * Evidence and the done gate through the application layer, in a real repository with a
 * task worktree and an injected clock: what verify records, when verification goes stale,
 * what a waiver can and cannot settle, and lease renewal on activity.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getClaim } from "../../src/app/state/claims.js";
import { loadSnapshot } from "../../src/app/state/plan.js";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { SECRETS } from "../domain/scrub/samples/fake-secrets.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { caught } from "../helpers/caught.js";

afterAll(cleanupAll);

const ROOT = join(import.meta.dirname, "..", "..");
const PRD = readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8");
const T001 = "invoice-export.T001";
const T002 = "invoice-export.T002";
const VERIFY = "grep -q ready src/export/csv.ts";

class Clock {
  t = Date.parse("2030-05-01T08:00:00.000Z");
  readonly now = () => new Date(this.t);
  tick(seconds = 1): void {
    this.t += seconds * 1000;
  }
}

describe("evidence and the done gate", () => {
  let repo: TempRepo;
  const clock = new Clock();
  const projects: Project[] = [];
  const as = (actor: string, cwd = repo.dir) => {
    const p = openProject({ cwd, env: repo.env, actor, now: clock.now });
    projects.push(p);
    return p;
  };
  let human: Project;
  let agent: Project;
  let rev: Project;
  let wt: string;
  const csv = (text: string) => writeFileSync(join(wt, "src/export/csv.ts"), text);
  const wtGit = (...args: string[]) => execFileSync("git", args, { cwd: wt, env: repo.env, encoding: "utf8" }).trim();
  const dryRun = async (task = T001) => (await human.apply({ task, dryRun: true })).report;
  const ruleIds = (report: { findings: Array<{ id: string }> }) => report.findings.map((f) => f.id);
  /** A Claude Code hook seeing an edit in the worktree. */
  const hookEdit = (files: string[]) => agent.recordObserved({ cwd: wt, agent: "claude", event: "PostToolUse", tool: "Edit", files: files.map((f) => join(wt, f)) });

  beforeAll(async () => {
    repo = makeRepo();
    human = as("human");
    await human.init({});
    await human.importSpec({ file: "invoice-export.md", text: PRD });
    await human.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    await human.editTask("T001", { verification: [VERIFY] });
    await human.reviewTask({ task: "T001", verdict: "approve" });
    clock.tick();
    const claimed = await as("agent-a").claim({ task: "T001", worktree: true });
    wt = claimed.claim.worktree as string;
    agent = as("agent-a", wt);
    rev = as("rev");
    execFileSync("mkdir", ["-p", join(wt, "src/export")]);
  });
  afterAll(async () => {
    for (const p of projects) await p.close();
  });

  it("verify runs the reviewed commands in the claim's worktree and records them as planref-captured", async () => {
    csv('export const toCsv = () => "todo";\n');
    clock.tick();
    await hookEdit(["src/export/csv.ts"]);
    clock.tick();
    const failed = await agent.verify({ cwd: wt });
    expect(failed).toMatchObject({ task: T001, passed: false, results: [{ command: VERIFY, exitCode: 1 }] });
    expect(ruleIds(await dryRun())).toContain(`verification-failing:${VERIFY}`);

    csv('export const toCsv = () => "ready";\n');
    clock.tick();
    await hookEdit(["src/export/csv.ts"]);
    clock.tick();
    const passed = await agent.verify({ cwd: wt });
    expect(passed.passed).toBe(true);
    const ev = (await human.listEvidence({ task: T001 })).evidence.find((e) => e.id === passed.results[0]?.evidence);
    expect(ev).toMatchObject({
      kind: "command",
      capturedBy: "planref",
      actor: "agent-a",
      epoch: 1,
      command: VERIFY,
      verification: true,
      exitCode: 0,
      cwd: wt,
      head: wtGit("rev-parse", "HEAD"),
      filesChanged: ["src/export/csv.ts"],
      startedAt: clock.now().toISOString(),
    });
    expect(ev?.outputSha256).toMatch(/^[0-9a-f]{64}$/);
    const report = await dryRun();
    expect(ruleIds(report)).toEqual(["review-missing:submission"]);
  });

  it("an edit seen after the passing run makes the verification stale; verifying again refreshes it", async () => {
    clock.tick();
    await hookEdit(["test/export/csv.test.ts"]);
    expect(ruleIds(await dryRun())).toContain(`verification-stale:${VERIFY}`);
    clock.tick();
    await agent.verify({ cwd: wt });
    expect(ruleIds(await dryRun())).not.toContain(`verification-stale:${VERIFY}`);
  });

  it("a commit on the work branch after the passing run makes it stale (HEAD moved)", async () => {
    wtGit("add", "src/export/csv.ts");
    wtGit("commit", "-qm", "csv serializer");
    expect((await dryRun()).findings.find((f) => f.rule === "verification-stale")?.message).toContain("HEAD is now");
    clock.tick();
    await agent.verify({ cwd: wt });
    expect(ruleIds(await dryRun())).toEqual(["review-missing:submission"]);
  });

  it("with gate.requireFreshVerification false, staleness is not a finding", async () => {
    clock.tick();
    await hookEdit(["src/export/csv.ts"]);
    expect(ruleIds(await dryRun())).toContain(`verification-stale:${VERIFY}`);
    await human.setConfig({ key: "gate.requireFreshVerification", value: "false" });
    expect(ruleIds(await dryRun())).toEqual(["review-missing:submission"]);
    await human.setConfig({ key: "gate.requireFreshVerification", value: "true" });
    clock.tick();
    await agent.verify({ cwd: wt });
  });

  it("a change no hook reported as an edit (a Bash `sed -i`) leaves a passing verification 'fresh'", async () => {
    // The agent breaks the file through its shell tool after verify passed. The hook records a
    // command (not an edit) and HEAD did not move, so lastChangeAt() never sees the change and
    // the gate would accept work that now fails its own verification.
    clock.tick();
    csv('export const toCsv = () => "broken";\n');
    await agent.recordObserved({
      cwd: wt,
      agent: "claude",
      event: "PostToolUse",
      tool: "Bash",
      command: { command: "sed -i s/ready/broken/ src/export/csv.ts", outcome: { exitCode: 0, durationMs: 0, output: "", outputSha256: "0".repeat(64), outputBytes: 0 } },
    });
    try {
      expect(execFileSync("sh", ["-c", `${VERIFY} && echo pass || echo fail`], { cwd: wt, encoding: "utf8" }).trim()).toBe("fail");
      expect(ruleIds(await dryRun())).toContain(`verification-stale:${VERIFY}`);
    } finally {
      csv('export const toCsv = () => "ready";\n');
      clock.tick();
      await hookEdit(["src/export/csv.ts"]);
      clock.tick();
      await agent.verify({ cwd: wt });
    }
  });

  it("the first activity moves the task to in_progress, and evidence renews the lease at most once per heartbeat interval (plan.yaml's, 2m by default)", async () => {
    const claimNow = async () => getClaim(await loadSnapshot(human.context), T001);
    expect((await human.showTask(T001)).task.status).toBe("in_progress");
    clock.tick(150);
    await agent.run({ command: ["true"], cwd: wt });
    const renewed = await claimNow();
    expect(renewed?.renewedAt).toBe(clock.now().toISOString());
    expect(renewed?.expiresAt).toBe(new Date(clock.t + 15 * 60_000).toISOString());
    clock.tick(60);
    await agent.run({ command: ["true"], cwd: wt });
    expect(await claimNow()).toEqual(renewed);
    clock.tick(61);
    await agent.run({ command: ["true"], cwd: wt });
    expect((await claimNow())?.renewedAt).toBe(clock.now().toISOString());

    // The interval is plan.yaml's, read at each write: 5m from here on. The lease a renewal
    // extends by stays the claim's own (15m, fixed when it was claimed).
    await human.setConfig({ key: "claims.heartbeatInterval", value: "5m" });
    const before = await claimNow();
    clock.tick(4 * 60);
    await agent.run({ command: ["true"], cwd: wt });
    expect(await claimNow()).toEqual(before);
    clock.tick(61);
    await agent.run({ command: ["true"], cwd: wt });
    const later = await claimNow();
    expect(later?.renewedAt).toBe(clock.now().toISOString());
    expect(later?.expiresAt).toBe(new Date(clock.t + 15 * 60_000).toISOString());
    await human.setConfig({ key: "claims.heartbeatInterval", value: "2m" });
  });

  it("a run records the exit code, scrubbed command and scrubbed output", async () => {
    const token = SECRETS.githubClassic;
    const r = await agent.run({ command: ["sh", "-c", `echo "export GITHUB_TOKEN=${token}"; exit 3`], cwd: wt, label: "smoke" });
    expect(r.outcome.exitCode).toBe(3);
    expect(r.evidence).toMatchObject({ exitCode: 3, capturedBy: "planref", label: "smoke", verification: false });
    expect(r.evidence?.command).not.toContain(token);
    expect(r.evidence?.outputTail).not.toContain(token);
    expect(r.evidence?.outputTail).toContain("[REDACTED:");
    expect(r.evidence?.redactions).toBeGreaterThanOrEqual(1);
  });

  it("apply refuses a task that is not accepted, and an unknown waiver id", async () => {
    const notAccepted = await caught(human.apply({ task: T001 }));
    expect(notAccepted).toMatchObject({ code: "GATE_REFUSED", message: expect.stringContaining("only an accepted task can become done") });
    const unknown = await caught(human.apply({ task: T001, dryRun: true, waive: [{ finding: "out-of-scope:nope.md", reason: "x" }] }));
    expect(unknown).toMatchObject({ code: "USAGE", hint: expect.stringContaining("review-missing:submission") });
    const noReason = await caught(human.apply({ task: T001, waive: [{ finding: "review-missing:submission", reason: " " }] }));
    expect(noReason.code).toBe("USAGE");
  });

  it("a failing verification cannot be waived, even on an accepted task", async () => {
    clock.tick();
    const sub = await agent.submit({ summary: "CSV serializer", commands: [VERIFY], files: ["src/export/csv.ts"] });
    expect(sub.submission.findings).toEqual([]);
    expect((await caught(agent.review({ task: T001, verdict: "approve" }))).code).toBe("GATE_REFUSED");
    clock.tick();
    await rev.review({ task: T001, verdict: "approve" });

    csv('export const toCsv = () => "oops";\n');
    clock.tick();
    await hookEdit(["src/export/csv.ts"]);
    clock.tick();
    expect((await agent.verify({ cwd: wt })).passed).toBe(false);
    const refused = await caught(human.apply({ task: T001, waive: [{ finding: `verification-failing:${VERIFY}`, reason: "flaky" }] }));
    expect(refused.code).toBe("GATE_REFUSED");
    const report = (refused.data as any).report;
    // The work changed after the review too (review-stale), and a failing verification is never waivable.
    expect(report.blocking.map((f: any) => f.id)).toContain(`verification-failing:${VERIFY}`);
    expect(report.findings[0]).not.toHaveProperty("waived");
  });

  it("`planref run` in the main checkout counts as verification of the claim's worktree", async () => {
    // agent-a claimed from the main checkout (with --worktree), so the main checkout remembers
    // the epoch and `run` there records on T001. The command ran against the main checkout's
    // files, yet the record carries the worktree's HEAD and passes the gate's freshness check.
    mkdirSync(join(repo.dir, "src/export"), { recursive: true });
    writeFileSync(join(repo.dir, "src/export/csv.ts"), 'export const toCsv = () => "ready";\n');
    try {
      clock.tick();
      const r = await as("agent-a").run({ command: [VERIFY], cwd: repo.dir });
      expect(r.evidence).toMatchObject({ task: T001, exitCode: 0, cwd: repo.dir, verification: true, head: wtGit("rev-parse", "HEAD") });
      // The worktree itself still fails its verification.
      expect(execFileSync("sh", ["-c", `${VERIFY} && echo pass || echo fail`], { cwd: wt, encoding: "utf8" }).trim()).toBe("fail");
      expect((await dryRun()).holds).toBe(false);
    } finally {
      rmSync(join(repo.dir, "src"), { recursive: true, force: true });
    }
  });

  it("restoring the work and verifying again lets it become done: completion records who, the head and the review; the claim ends", async () => {
    csv('export const toCsv = () => "ready";\n');
    clock.tick();
    await hookEdit(["src/export/csv.ts"]);
    clock.tick();
    expect((await agent.verify({ cwd: wt })).passed).toBe(true);
    const r = await human.apply({ task: T001 });
    expect(r.applied).toBe(true);
    const task = (await human.showTask(T001)).task;
    expect(task.status).toBe("done");
    expect(task.completion).toMatchObject({ by: "human", head: wtGit("rev-parse", "HEAD"), waivers: [] });
    expect(task.completion?.review).toBe(r.report.review?.id);
    expect(getClaim(await loadSnapshot(human.context), T001)?.state).toBe("submitted");
  });

  it("work changed after the approving review still becomes done without another review", async () => {
    // The reviewer approved the submission at submission.head; the holder then changes the work
    // (the claim is still live) and re-runs verify. evaluateGate never compares the reviewed
    // submission's head and changed files with the work as it is now.
    const added = await human.addTask({ title: "Export settings", acceptanceCriteria: ["exists"], verification: ["test -f lib/settings.ts"], scope: ["lib/**"] });
    const id = added.task.id;
    await human.reviewTask({ task: id, verdict: "approve" });
    clock.tick();
    const c = await as("agent-c").claim({ task: id, worktree: true });
    const cw = c.claim.worktree as string;
    const agentC = as("agent-c", cw);
    execFileSync("mkdir", ["-p", join(cw, "lib")]);
    writeFileSync(join(cw, "lib/settings.ts"), "export const settings = {};\n");
    clock.tick();
    expect((await agentC.verify({ cwd: cw })).passed).toBe(true);
    clock.tick();
    await agentC.submit({ task: id, summary: "settings", commands: ["test -f lib/settings.ts"], files: ["lib/settings.ts"] });
    clock.tick();
    await rev.review({ task: id, verdict: "approve" });
    expect((await dryRun(id)).holds).toBe(true);

    writeFileSync(join(cw, "lib/settings.ts"), "export const settings = { exfiltrate: true };\n");
    writeFileSync(join(cw, "lib/unreviewed.ts"), "export const unreviewed = true;\n");
    clock.tick();
    await agentC.recordObserved({ cwd: cw, agent: "claude", event: "PostToolUse", tool: "Write", files: [join(cw, "lib/settings.ts"), join(cw, "lib/unreviewed.ts")] });
    clock.tick();
    expect((await agentC.verify({ cwd: cw })).passed).toBe(true);
    expect((await dryRun(id)).holds).toBe(false);
  });

  it("a verification command holding a credential never counts as run, because the recorded command is scrubbed", async () => {
    // Test databases with throw-away passwords in a URL are common in verification commands.
    const cmd = "DATABASE_URL=postgres://app:localpw123@localhost:5432/test sh -c 'test -n \"$DATABASE_URL\"'";
    await human.editTask("T002", { verification: [cmd] });
    await human.reviewTask({ task: "T002", verdict: "approve" });
    clock.tick();
    const b = await as("agent-b").claim({ task: "T002", worktree: true });
    const bw = as("agent-b", b.claim.worktree as string);
    clock.tick();
    const v = await bw.verify({ cwd: b.claim.worktree as string });
    expect(v.passed).toBe(true);
    const [ev] = (await human.listEvidence({ task: T002 })).evidence;
    expect(ev?.command).not.toContain("localpw123");
    // What the user sees: the command planref just ran and saw pass is "never run".
    expect(ruleIds(await dryRun(T002)).filter((id) => id.startsWith("verification"))).toEqual([]);
    expect(ev?.verification).toBe(true);
  });
});
