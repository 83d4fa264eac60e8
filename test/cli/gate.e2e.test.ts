/**
 * The evidence and gate story end to end, through the built binary: an agent works in its
 * task worktree with hooks recording what happens, runs and verifies through planref,
 * submits a report with one fabricated command, a different actor reviews, and `apply`
 * holds the line until the out-of-scope change is waived. Then what an agent must not get
 * away with: self-reported verification, verification commands changed after review, and
 * commands run after the lease was lost.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { hook, payload, PRD, T001, VERIFY } from "../hooks/support.js";

afterAll(cleanupAll);

const FABRICATED = "npm run test:csv -- --coverage";

describe("the done gate, end to end", () => {
  let repo: TempRepo;
  /** planref as `actor` (default: the human git user), in `cwd` (default: the main checkout). */
  const cli = (args: string[], options: { actor?: string; cwd?: string } = {}) =>
    planref(args, { cwd: options.cwd ?? repo.dir, env: { ...repo.env, ...(options.actor ? { PLANREF_ACTOR: options.actor } : {}) } });
  const ok = async (args: string[], options: { actor?: string; cwd?: string } = {}) => {
    const r = await cli(args, options);
    if (r.code !== 0) throw new Error(`planref ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  const tip = () => repo.git("rev-parse", "refs/plan/state").trim();

  beforeAll(async () => {
    repo = makeRepo();
    await ok(["init"]);
    await ok(["spec", "import", PRD]);
    await ok(["spec", "review", "invoice-export", "--approve"]);
    await ok(["task", "edit", "T001", "--verify", VERIFY]);
    await ok(["task", "review", "T001", "--approve"]);
    await ok(["task", "review", "T002", "--approve"]);
  });

  describe("T001: hooks, run, verify, submit, review, apply with a waiver", () => {
    let wt: string;
    const agentA = () => ({ actor: "agent-a", cwd: wt });
    const claude = (event: string, name: string) => hook("claude", event, payload("claude", name, wt), wt, repo.env);

    it("agent-a claims T001 with a worktree on planref/invoice-export.T001", async () => {
      const r = await ok(["claim", "T001", "--worktree", "--json"], { actor: "agent-a" });
      wt = r.json?.data.claim.worktree;
      expect(wt).toBe(join(repo.dir, "..", "repo.worktrees", "T001"));
      expect(repo.git("-C", wt, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("planref/invoice-export.T001");
    });

    it("hooks record the edits (one outside the scope, after a warning) and a failing verification", async () => {
      mkdirSync(join(wt, "src/export"), { recursive: true });
      writeFileSync(join(wt, "src/export/csv.ts"), 'export const toCsv = () => "todo";\n');
      expect(await claude("PostToolUse", "post-write")).toMatchObject({ code: 0, stdout: "" });

      const warn = await claude("PreToolUse", "pre-write-out-of-scope");
      expect(JSON.parse(warn.stdout).systemMessage).toContain("README.md is outside the scope");
      writeFileSync(join(wt, "README.md"), "# test repo\n\nInvoices can be exported as CSV.\n");
      expect(await claude("PostToolUse", "post-write-readme")).toMatchObject({ code: 0, stdout: "" });

      // The agent runs the verification itself; it fails, and Claude Code fires PostToolUseFailure.
      expect(await claude("PostToolUseFailure", "post-bash-failure")).toMatchObject({ code: 0, stdout: "" });

      const list = await ok(["evidence", "list", "T001", "--json"]);
      const ev = list.json?.data.evidence as any[];
      expect(ev.map((e) => [e.kind, e.capturedBy, e.files ?? e.command, e.exitCode ?? null])).toEqual([
        ["edit", "hook", ["src/export/csv.ts"], null],
        ["edit", "hook", ["README.md"], null],
        ["command", "hook", VERIFY, 1],
      ]);
    });

    it("after the fix, planref run and planref verify pass and are recorded", async () => {
      writeFileSync(join(wt, "src/export/csv.ts"), 'export const toCsv = () => "ready";\n');
      expect((await claude("PostToolUse", "post-edit")).code).toBe(0);

      const run = await cli(["run", "--", ...VERIFY.split(" ")], agentA());
      expect(run.code).toBe(0);
      const verify = await cli(["verify"], agentA());
      expect(verify.code).toBe(0);
      // verify prints each command before running it.
      expect(verify.stderr).toContain(`$ ${VERIFY}`);
      expect(verify.stdout).toContain(`pass  ${VERIFY}`);
      expect(verify.stdout).toContain(`verification of ${T001} passed`);

      const ev = (await ok(["evidence", "list", "T001", "--json"])).json?.data.evidence as any[];
      expect(ev.slice(-2).map((e) => [e.capturedBy, e.command, e.exitCode, e.verification])).toEqual([
        ["planref", VERIFY, 0, true],
        ["planref", VERIFY, 0, true],
      ]);
    });

    it("submit cross-checks the report: the fabricated command is unseen and README.md is out of scope", async () => {
      const r = await cli(["submit", "--summary", "CSV serializer", "--command", FABRICATED, "--command", VERIFY, "--file", "src/export/csv.ts", "--json"], agentA());
      expect(r.code).toBe(0);
      const sub = r.json?.data.submission;
      expect(sub).toMatchObject({ task: T001, epoch: 1, by: "agent-a", reported: { commands: [FABRICATED, VERIFY], files: ["src/export/csv.ts"] } });
      expect(sub.findings.map((f: any) => f.id)).toEqual([`unseen-command:${FABRICATED}`, "out-of-scope:README.md"]);
      expect(sub.changedFiles).toEqual(expect.arrayContaining(["README.md", "src/export/csv.ts"]));
      expect((await ok(["task", "show", "T001", "--json"])).json?.data.task.status).toBe("submitted");
    });

    it("the claimant cannot approve their own work (GATE_REFUSED, exit 6); another actor can", async () => {
      const self = await cli(["review", "T001", "--approve", "--json"], { actor: "agent-a" });
      expect(self.code).toBe(6);
      expect(self.json?.error).toMatchObject({ code: "GATE_REFUSED", message: expect.stringContaining("agent-a submitted") });

      const r = await ok(["review", "T001", "--approve", "--note", "looks right"], { actor: "rev" });
      expect(r.stdout).toContain(`${T001} is now accepted`);
    });

    it("apply --dry-run shows the gate report and changes nothing", async () => {
      const before = tip();
      const r = await ok(["apply", "T001", "--dry-run"], { actor: "rev" });
      expect(r.stdout).toContain(`gate for ${T001}: REFUSED`);
      expect(r.stdout).toContain("review: approve by rev");
      expect(r.stdout).toMatch(/FAIL {2}out-of-scope:README\.md: README\.md changed outside the claimed scope/);
      expect(r.stdout).toContain("dry run: nothing changed");
      expect(tip()).toBe(before);
    });

    it("apply is refused (exit 6) while the out-of-scope finding is unwaived", async () => {
      const before = tip();
      const r = await cli(["apply", "T001"], { actor: "rev" });
      expect(r.code).toBe(6);
      expect(r.stderr).toContain("FAIL  out-of-scope:README.md");
      expect(r.stderr).toContain(`task ${T001} cannot become done`);
      expect(r.stderr).toContain("--waive <finding> --reason");
      expect(tip()).toBe(before);
    });

    it("apply --waive out-of-scope:README.md --reason ... makes it done, with the waiver recorded and in the audit log", async () => {
      const reason = "README example added on the way; docs owner agreed";
      const r = await ok(["apply", "T001", "--waive", "out-of-scope:README.md", "--reason", reason], { actor: "rev" });
      expect(r.stdout).toContain(`gate for ${T001}: HOLDS`);
      expect(r.stdout).toContain(`waived  out-of-scope:README.md`);
      expect(r.stdout).toContain(`${T001} is done`);

      const task = (await ok(["task", "show", "T001", "--json"])).json?.data.task;
      expect(task.status).toBe("done");
      expect(task.completion).toMatchObject({ by: "rev", waivers: [{ finding: "out-of-scope:README.md", reason, by: "rev" }], head: repo.git("-C", wt, "rev-parse", "HEAD").trim() });

      const log = (await ok(["log", "--task", T001, "--op", "apply", "--json"])).json?.data.entries as any[];
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ op: "apply", actor: "rev", task: T001, trailers: { "Planref-Waiver": ["out-of-scope:README.md"] } });
      expect(repo.git("log", "-1", "--format=%B", "refs/plan/state")).toContain(`Waived out-of-scope:README.md: ${reason}`);
    });
  });

  describe("T002: only self-reported evidence never becomes done", () => {
    const PDF_VERIFY = "npm test -- pdf";
    let wt: string;

    it("the report alone: unseen command and verification not run; approved, but apply refuses, even with a waiver", async () => {
      wt = (await ok(["claim", "T002", "--worktree", "--json"], { actor: "agent-b" })).json?.data.claim.worktree;
      mkdirSync(join(wt, "src/export"), { recursive: true });
      writeFileSync(join(wt, "src/export/pdf.ts"), "export const toPdf = () => new Uint8Array();\n");
      const sub = await cli(["submit", "--summary", "PDF renderer, tests pass", "--command", PDF_VERIFY, "--file", "src/export/pdf.ts", "--json"], { actor: "agent-b", cwd: wt });
      expect(sub.code).toBe(0);
      expect(sub.json?.data.submission.findings.map((f: any) => f.id)).toEqual([`unseen-command:${PDF_VERIFY}`, `verification-not-run:${PDF_VERIFY}`]);
      await ok(["review", "T002", "--approve"], { actor: "rev" });

      const r = await cli(["apply", "T002"], { actor: "rev" });
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/FAIL {2}verification-(not-run|self-reported):npm test -- pdf/);
      expect(r.stderr).toContain("FAIL  evidence-missing:tests pass");

      const waived = await cli(["apply", "T002", "--waive", `verification-not-run:${PDF_VERIFY}`, "--reason", "I ran it locally", "--json"], { actor: "rev" });
      expect(waived.code).toBe(6);
      expect(waived.json?.error?.code).toBe("GATE_REFUSED");
      const report = waived.json?.error?.details.report;
      expect(report.blocking.map((f: any) => f.id)).toEqual([`verification-not-run:${PDF_VERIFY}`, "evidence-missing:tests pass"]);
      expect(report.findings[0]).not.toHaveProperty("waived");
      expect((await ok(["task", "show", "T002", "--json"])).json?.data.task.status).toBe("accepted");
    });
  });

  describe("a third task: verification changed after review, run semantics, a lost lease", () => {
    let id: string;
    let wt: string;
    const agentC = () => ({ actor: "agent-c", cwd: wt });

    beforeAll(async () => {
      id = (await ok(["task", "add", "--title", "Export settings", "--criterion", "settings exist", "--verify", "touch VERIFY_RAN", "--scope", "lib/**", "--json"])).json?.data.task.id;
      await ok(["task", "review", id, "--approve"]);
      wt = (await ok(["claim", id, "--worktree", "--json"], { actor: "agent-c" })).json?.data.claim.worktree;
    });

    it("verification commands changed after review: verify refuses (exit 6) and runs nothing", async () => {
      await ok(["task", "edit", id, "--verify", "touch PWNED"]);
      const r = await cli(["verify"], agentC());
      expect(r.code).toBe(6);
      expect(r.stderr).toContain("refusing to run the verification commands");
      expect(r.stderr).toContain(`planref task review ${id} --approve`);
      expect(r.stderr).not.toContain("$ touch");
      expect(r.stdout).toBe("");
      expect(existsSync(join(wt, "PWNED"))).toBe(false);
      expect(existsSync(join(wt, "VERIFY_RAN"))).toBe(false);
      expect((await ok(["evidence", "list", id, "--json"])).json?.data.evidence).toEqual([]);
    });

    it("run passes the command's exit code through and streams its output", async () => {
      const r = await cli(["run", "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 7"], agentC());
      expect(r.code).toBe(7);
      expect(r.stdout).toBe("to-stdout\n");
      expect(r.stderr).toContain("to-stderr");
      const [ev] = (await ok(["evidence", "list", id, "--json"])).json?.data.evidence as any[];
      expect(ev).toMatchObject({ command: "sh -c 'echo to-stdout; echo to-stderr >&2; exit 7'", exitCode: 7, capturedBy: "planref", actor: "agent-c" });
      expect(ev.outputTail).toContain("to-stdout");
    });

    it("run --json prints exactly one JSON document on stdout; the command's own output goes to stderr", async () => {
      const r = await cli(["run", "--json", "--", "sh", "-c", "echo chatty; exit 3"], agentC());
      expect(r.code).toBe(3);
      expect(r.json).toMatchObject({ ok: true, data: { exitCode: 3, recorded: true, evidence: { exitCode: 3, command: "sh -c 'echo chatty; exit 3'" } } });
      expect(r.stdout.trim().split("\n")).toHaveLength(1);
      expect(r.stdout).not.toContain("chatty\n");
      expect(r.stderr).toContain("chatty");
    });

    it("a run whose lease was lost (force-released by another actor) fails with LEASE_LOST before running", async () => {
      await ok(["release", id, "--force", "--reason", "agent-c went quiet"], { actor: "boss" });
      const r = await cli(["run", "--task", id, "--json", "--", "sh", "-c", "touch LEASE_MARK"], agentC());
      expect(r.code).toBe(3);
      expect(r.json?.error).toMatchObject({ code: "LEASE_LOST", message: expect.stringContaining("force-released by boss") });
      expect(existsSync(join(wt, "LEASE_MARK"))).toBe(false);
    });

    it("without --task, a run in the worktree of the lost claim still runs the command (exit 0, only a warning)", async () => {
      // src/app/evidence.ts activeTaskFor() looks only at live claims; once the claim is gone it
      // returns null, and runAndRecord runs the command unfenced and records nothing.
      const r = await cli(["run", "--", "sh", "-c", "touch LEASE_MARK2"], agentC());
      expect(existsSync(join(wt, "LEASE_MARK2"))).toBe(false);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("lease lost");
    });
  });

  it("the state ref stays readable by plain git: every evidence commit names its capturer", () => {
    const captured = repo.git("log", "--format=%(trailers:key=Planref-Captured-By,valueonly,separator=%x2C)", "refs/plan/state").split("\n").filter(Boolean);
    expect(new Set(captured)).toEqual(new Set(["hook", "planref"]));
    expect(readFileSync(join(repo.dir, "README.md"), "utf8")).toBe("# test repo\n");
  });
});
