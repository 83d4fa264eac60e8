import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject } from "../../src/runtime/open-project.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { type CliResult, planref } from "../helpers/cli.js";

/**
 * `planref task …`, `score`, `next`, `waves` and `graph` through the real binary. Setup goes
 * through the library (fast); every command under test is the binary with --json. Tests in
 * a describe share one repository and run in order.
 */

afterAll(cleanupAll);

const ROOT = join(import.meta.dirname, "..", "..");
const INVOICE = readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8");
const BILLING = readFileSync(join(ROOT, "test/fixtures/prd/billing-reminders.md"), "utf8");
const inv = (local: string) => `invoice-export.${local}`;
const ALL = ["T001", "T002", "T003", "T004", "T005"];
const DIMENSIONS = ["complexity", "parallelizability", "contextLoad", "blastRadius", "reviewRisk", "agentSuitability"];

interface Session {
  repo: TempRepo;
  run(...args: string[]): Promise<CliResult>;
  json(...args: string[]): Promise<CliResult>;
  tip(): string;
}

/** A repository with the invoice spec imported and approved, `ready` tasks reviewed, and maybe the billing spec. */
async function session(options: { ready: string[]; billing: boolean }): Promise<Session> {
  const repo = makeRepo();
  const p = openProject({ cwd: repo.dir, env: repo.env, actor: "alice" });
  try {
    await p.init({ name: "shop" });
    await p.importSpec({ file: "prd/invoice-export.md", text: INVOICE });
    if (options.billing) await p.importSpec({ file: "prd/billing-reminders.md", text: BILLING });
    await p.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    for (const t of options.ready) await p.reviewTask({ task: inv(t), verdict: "approve" });
  } finally {
    await p.close();
  }
  const env = { ...repo.env, PLANREF_ACTOR: "bob" };
  const run = (...args: string[]) => planref(args, { cwd: repo.dir, env });
  return { repo, run, json: (...args) => run(...args, "--json"), tip: () => repo.git("rev-parse", "refs/plan/state").trim() };
}

const ids = (r: CliResult) => (r.json?.data.tasks as Array<{ id: string }>).map((t) => t.id);

describe("planref task list / show / add / edit / cancel / review", () => {
  let s: Session;
  beforeAll(async () => {
    s = await session({ ready: [], billing: true });
  });

  it("list: every open task; --spec, --status (comma list) and a bad status (exit 2)", async () => {
    const all = await s.json("task", "list");
    expect(all.code).toBe(0);
    expect(ids(all)).toEqual(["billing-reminders.T001", "billing-reminders.T002", ...ALL.map(inv)]);
    expect(all.json?.data.tasks[4]).toEqual({ id: inv("T003"), localId: "T003", spec: "invoice-export", title: "Download endpoint", status: "draft", priority: "high", dependencies: [inv("T001"), inv("T002")], blockedBy: [inv("T001"), inv("T002")] });
    expect(ids(await s.json("task", "list", "--spec", "billing"))).toEqual(["billing-reminders.T001", "billing-reminders.T002"]);
    expect(ids(await s.json("task", "list", "--status", "ready"))).toEqual([]);
    expect(ids(await s.json("task", "list", "--status", "draft,ready", "--spec", "invoice-export"))).toEqual(ALL.map(inv));
    const bad = await s.json("task", "list", "--status", "doing");
    expect(bad.code).toBe(2);
    expect(bad.json?.error).toMatchObject({ code: "USAGE", message: "unknown status doing" });
    expect((await s.json("task", "list", "--spec", "nope")).code).toBe(4);
  });

  it("review: --approve moves draft to ready; --request-changes keeps draft; one flag exactly; the gate refuses (exit 6)", async () => {
    const ok = await s.json("task", "review", inv("T001"), "--approve", "--note", "looks complete");
    expect(ok.code).toBe(0);
    expect(ok.json?.data).toEqual({ task: inv("T001"), status: "ready", commit: s.tip() });
    expect(s.repo.git("log", "-1", "--format=%an|%(trailers:key=Planref-Verdict,valueonly)", "refs/plan/state").trim()).toBe("bob|approve");

    const rc = await s.json("task", "review", inv("T002"), "--request-changes", "--note", "name the PDF library");
    expect(rc.json?.data).toMatchObject({ task: inv("T002"), status: "draft" });
    expect(s.repo.git("log", "-1", "--format=%B", "refs/plan/state")).toContain("name the PDF library");

    expect((await s.json("task", "review", inv("T002"), "--approve", "--request-changes")).code).toBe(2);
    expect((await s.json("task", "review", inv("T002"))).json?.error?.code).toBe("USAGE");
    const again = await s.json("task", "review", inv("T001"), "--approve");
    expect(again.code).toBe(3);
    expect(again.json?.error).toMatchObject({ code: "INVALID_TRANSITION", details: { id: inv("T001"), from: "ready" } });

    const gate = await s.json("task", "review", "billing-reminders.T002", "--approve");
    expect(gate.code).toBe(6);
    expect(gate.json?.error?.code).toBe("GATE_REFUSED");
    expect(gate.json?.error?.details.findings.map((f: { rule: string }) => f.rule)).toEqual(["acceptance-criteria", "verification", "spec-approved"]);

    const human = await s.run("task", "review", inv("T002"), "--approve");
    expect(human.stdout).toBe(`task ${inv("T002")}: ready\n`);
  });

  it("list --ready: ready and every dependency done; --all adds cancelled tasks", async () => {
    expect(ids(await s.json("task", "list", "--ready"))).toEqual([inv("T001"), inv("T002")]);
    expect(ids(await s.json("task", "list", "--status", "ready"))).toEqual([inv("T001"), inv("T002")]);
    expect(ids(await s.json("task", "list", "--all"))).toHaveLength(7);
    const human = await s.run("task", "list", "--spec", "invoice-export");
    expect(human.stdout).toMatch(/^invoice-export\.T003 +draft +high +Download endpoint {2}\(waits on invoice-export\.T001, invoice-export\.T002\)$/m);
  });

  it("show: content, scores, blockers and dependents; unknown (4), ambiguous PRD id and prefix (2, with candidates)", async () => {
    const r = await s.json("task", "show", inv("T004"));
    expect(r.code).toBe(0);
    expect(r.json?.data).toMatchObject({
      task: { id: inv("T004"), title: "Batch archive builder", status: "draft", feature: "F002", scope: ["src/export/batch.ts", "test/export/batch.test.ts"], verification: ["npm test -- batch"], source: { file: "prd/invoice-export.md", line: expect.any(Number) } },
      blockedBy: [inv("T001"), inv("T002")],
      dependents: [inv("T005")],
      reviewCurrent: false,
    });
    expect(Object.keys(r.json?.data.scores)).toEqual(DIMENSIONS);
    expect((await s.json("task", "show", "T005")).json?.data.task.id).toBe(inv("T005"));
    expect((await s.json("task", "show", inv("T001"))).json?.data.reviewCurrent).toBe(true);

    const human = await s.run("task", "show", inv("T001"));
    expect(human.stdout).toContain(`${inv("T001")}: Invoice to CSV serializer`);
    expect(human.stdout).toContain("readiness reviewed by bob");
    expect(human.stdout).toContain("  - npm test -- csv");

    const missing = await s.json("task", "show", "T404");
    expect(missing.code).toBe(4);
    expect(missing.json?.error).toMatchObject({ code: "NOT_FOUND", details: { kind: "task", id: "T404" } });
    const local = await s.json("task", "show", "T001");
    expect(local.code).toBe(2);
    expect(local.json?.error).toMatchObject({ code: "AMBIGUOUS_ID", details: { prefix: "T001", candidates: ["billing-reminders.T001", inv("T001")] } });
    const prefix = await s.json("task", "show", "invoice-export.T00");
    expect(prefix.code).toBe(2);
    expect(prefix.json?.error?.details.candidates).toEqual(ALL.map(inv));
  });

  let added = "";

  it("add with every content flag; bad priority, missing title (2); unknown dependency (4)", async () => {
    const r = await s.json(
      "task", "add",
      "--title", "Export as XLSX",
      "--spec", "invoice",
      "--intent", "Accountants asked for spreadsheets.",
      "--priority", "critical",
      "--criterion", "opens in Excel", "--criterion", "amounts are numbers",
      "--verify", "npm test -- xlsx", "--verify", "npm run lint",
      "--scope", "src/export/xlsx.ts", "--scope", "test/export/xlsx.test.ts",
      "--depends", inv("T001"), "--depends", "T005",
      "--non-goal", "formulas",
      "--evidence", "tests pass",
      "--manual", "open the file in LibreOffice",
      "--parent", inv("T003"),
    );
    expect(r.code).toBe(0);
    const task = r.json?.data.task;
    expect(task.id).toMatch(/^invoice-export\.t-[0-9a-z]{8}$/);
    expect(task).toMatchObject({
      spec: "invoice-export",
      status: "draft",
      title: "Export as XLSX",
      intent: "Accountants asked for spreadsheets.",
      priority: "critical",
      acceptanceCriteria: ["opens in Excel", "amounts are numbers"],
      verification: ["npm test -- xlsx", "npm run lint"],
      scope: ["src/export/xlsx.ts", "test/export/xlsx.test.ts"],
      dependencies: [inv("T001"), inv("T005")],
      nonGoals: ["formulas"],
      requiredEvidence: ["tests pass"],
      manualSteps: ["open the file in LibreOffice"],
      parent: inv("T003"),
    });
    expect(r.json?.data.commit).toBe(s.tip());
    added = task.id;

    const other = await s.json("task", "add", "--title", "Export as XLSX");
    expect(other.json?.data.task.id).toMatch(/^t-[0-9a-z]{8}$/);
    expect(other.json?.data.task.spec).toBeNull();
    const human = await s.run("task", "add", "--title", "Write the docs");
    expect(human.stdout).toMatch(/^added t-[0-9a-z]{8} \(draft\): Write the docs\nnext: planref task review t-[0-9a-z]{8} --approve\n$/);

    const tip = s.tip();
    const badPriority = await s.json("task", "add", "--title", "x", "--priority", "urgent");
    expect(badPriority.code).toBe(2);
    expect(badPriority.json?.error?.message).toContain("urgent");
    expect((await s.json("task", "add", "--intent", "no title")).code).toBe(2);
    const unknown = await s.json("task", "add", "--title", "x", "--depends", "T404");
    expect(unknown.code).toBe(4);
    expect(unknown.json?.error?.code).toBe("NOT_FOUND");
    expect(s.tip()).toBe(tip);
  });

  it("edit: list flags replace the list; a ready task goes back to draft; no flags (2); a cycle (5); unknown task (4)", async () => {
    const r = await s.json("task", "edit", added, "--criterion", "opens in every spreadsheet program", "--title", "Export as spreadsheet");
    expect(r.code).toBe(0);
    expect(r.json?.data).toMatchObject({ fields: ["title", "acceptanceCriteria"], statusChange: null, task: { acceptanceCriteria: ["opens in every spreadsheet program"], verification: ["npm test -- xlsx", "npm run lint"] } });

    const ready = await s.json("task", "edit", inv("T001"), "--verify", "npm test -- csv --coverage", "--scope", "src/export/csv.ts");
    expect(ready.json?.data).toMatchObject({ fields: ["verification", "scope"], statusChange: { from: "ready", to: "draft" }, task: { status: "draft", verification: ["npm test -- csv --coverage"], scope: ["src/export/csv.ts"] } });
    expect(ready.json?.data.task.readiness).toBeUndefined();
    const human = await s.run("task", "edit", inv("T002"), "--priority", "high");
    expect(human.stdout).toBe(`task ${inv("T002")}: changed priority (ready -> draft: needs a new readiness review)\n`);

    const tip = s.tip();
    const same = await s.json("task", "edit", inv("T002"), "--priority", "high");
    expect(same.json?.data).toMatchObject({ fields: [], commit: null });
    const none = await s.json("task", "edit", inv("T002"));
    expect(none.code).toBe(2);
    expect(none.json?.error?.message).toContain("nothing to change");
    const cycle = await s.json("task", "edit", inv("T001"), "--depends", inv("T005"));
    expect(cycle.code).toBe(5);
    expect(cycle.json?.error?.code).toBe("VALIDATION_FAILED");
    expect(cycle.json?.error?.message).toMatch(/dependency cycle: .*invoice-export\.T001/);
    expect(cycle.json?.error?.details.issues[0].message).toContain(inv("T005"));
    expect((await s.json("task", "edit", "T404", "--title", "x")).code).toBe(4);
    expect(s.tip()).toBe(tip);
  });

  it("cancel: --reason is required (2); the tombstone is listed with --all; cancelling twice (3)", async () => {
    expect((await s.json("task", "cancel", added)).code).toBe(2);
    const r = await s.json("task", "cancel", added, "--reason", "spreadsheets can import CSV");
    expect(r.code).toBe(0);
    expect(r.json?.data.task).toMatchObject({ id: added, status: "cancelled", cancelled: { reason: "spreadsheets can import CSV", by: "bob" } });
    expect(ids(await s.json("task", "list", "--spec", "invoice-export"))).not.toContain(added);
    expect(ids(await s.json("task", "list", "--spec", "invoice-export", "--all"))).toContain(added);
    expect(ids(await s.json("task", "list", "--status", "cancelled"))).toEqual([added]);
    expect((await s.json("task", "show", added)).json?.data.task.cancelled.reason).toBe("spreadsheets can import CSV");
    const twice = await s.json("task", "cancel", added, "--reason", "again");
    expect(twice.code).toBe(3);
    expect(twice.json?.error?.code).toBe("INVALID_TRANSITION");
    expect((await s.run("task", "cancel", inv("T005"), "--reason", "later")).stdout).toBe(`task ${inv("T005")} cancelled\n`);
  });

  it("log as text: one aligned row per operation, with and without a task, newest first", async () => {
    const entries = (await s.json("log")).json?.data.entries as Array<{ commit: string; op: string; task: string | null; subject: string }>;
    const lines = (await s.run("log")).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(entries.length);
    expect(entries.some((e) => e.task === null) && entries.some((e) => e.task !== null)).toBe(true);
    const starts = lines.map((line, i) => {
      const e = entries[i] as (typeof entries)[number];
      expect(line.startsWith(e.commit.slice(0, 12))).toBe(true);
      expect(line.endsWith(`  ${e.subject}`)).toBe(true);
      return [line.indexOf(` ${e.op} `), line.length - e.subject.length];
    });
    // Every column starts where it starts on the first row.
    expect(new Set(starts.map((x) => x.join(","))).size).toBe(1);
  });
});

describe("planref score / next / waves / graph", () => {
  let s: Session;
  beforeAll(async () => {
    s = await session({ ready: ALL, billing: false });
  });

  it("score: every open task, or one; six dimensions each 1-5 with a reason", async () => {
    const all = await s.json("score");
    expect(all.code).toBe(0);
    expect(all.json?.data.scores.map((x: { id: string }) => x.id)).toEqual(ALL.map(inv));
    for (const row of all.json?.data.scores ?? []) {
      expect(Object.keys(row.scores)).toEqual(DIMENSIONS);
      for (const v of Object.values(row.scores) as Array<{ value: number; reason: string; source: string }>) {
        expect(v.value).toBeGreaterThanOrEqual(1);
        expect(v.value).toBeLessThanOrEqual(5);
        expect(v.reason).not.toBe("");
        expect(v.source).toBe("computed");
      }
    }
    expect(Array.isArray(all.json?.data.expansion)).toBe(true);
    const one = await s.json("score", "T003");
    expect(one.json?.data.scores).toHaveLength(1);
    expect(one.json?.data.scores[0]).toMatchObject({ id: inv("T003"), title: "Download endpoint", status: "ready" });
    expect((await s.json("score", "T404")).code).toBe(4);
  });

  it("score --set with --reason records an override; without --reason, a bad form, an unknown dimension or no task is exit 2; 6 is refused", async () => {
    const tip = s.tip();
    const noReason = await s.json("score", "T003", "--set", "reviewRisk=5");
    expect(noReason.code).toBe(2);
    expect(noReason.json?.error).toMatchObject({ code: "USAGE", message: "--set needs --reason" });
    expect((await s.json("score", "T003", "--set", "reviewRisk:5", "--reason", "x")).code).toBe(2);
    expect((await s.json("score", "T003", "--set", "beauty=5", "--reason", "x")).json?.error?.code).toBe("USAGE");
    expect((await s.json("score", "--set", "reviewRisk=5", "--reason", "x")).code).toBe(2);
    const six = await s.json("score", "T003", "--set", "reviewRisk=6", "--reason", "x");
    expect(six.code).toBe(5);
    expect(six.json?.error?.details.issues[0].message).toContain("not an integer from 1 to 5");
    expect(s.tip()).toBe(tip);

    const r = await s.json("score", "T003", "--set", "reviewRisk=5", "--reason", "authorization bugs leak invoices");
    expect(r.code).toBe(0);
    expect(r.json?.data).toMatchObject({ task: inv("T003"), overrides: { reviewRisk: { value: 5, reason: "authorization bugs leak invoices", actor: "bob", at: expect.any(String) } }, commit: s.tip() });
    const shown = await s.json("task", "show", "T003");
    expect(shown.json?.data.scores.reviewRisk).toMatchObject({ value: 5, source: "override", actor: "bob", reason: "authorization bugs leak invoices", computedValue: expect.any(Number) });
    expect(shown.json?.data.task.status).toBe("ready");
    const human = await s.run("score", "T003");
    expect(human.stdout).toMatch(/reviewRisk +5 {2}authorization bugs leak invoices \(override by bob\)/);
  });

  it("next picks T001 (high priority, unblocks the most), for --kind agent and human alike", async () => {
    const r = await s.json("next");
    expect(r.code).toBe(0);
    expect(r.json?.data).toMatchObject({ candidate: { id: inv("T001"), priority: "high", unblocks: 3, rank: 1 }, claimableCount: 2 });
    const agent = await s.json("next", "--kind", "agent");
    expect(agent.json?.data.candidate.id).toBe(inv("T001"));
    expect(agent.json?.data.candidate.reasons[2]).toContain("suits an agent");
    const human = await s.json("next", "--kind", "human");
    expect(human.json?.data.candidate.reasons[2]).toContain("suits a human");
    const text = await s.run("next");
    expect(text.stdout).toMatch(/^next: invoice-export\.T001 {2}Invoice to CSV serializer\n/);
    expect(text.stdout).toContain("claim it: planref claim invoice-export.T001");
  });

  it("waves: [[T001, T002], [T003, T004], [T005]]; --agents caps a wave; --agents 0 is exit 2", async () => {
    const r = await s.json("waves");
    expect(r.json?.data).toEqual({ waves: [[inv("T001"), inv("T002")], [inv("T003"), inv("T004")], [inv("T005")]], inFlight: [], needsReview: [], unschedulable: [], notes: [] });
    const one = await s.json("waves", "--agents", "1");
    expect(one.json?.data.waves).toEqual(ALL.map((t) => [inv(t)]));
    const zero = await s.json("waves", "--agents", "0");
    expect(zero.code).toBe(2);
    expect(zero.json?.error?.code).toBe("USAGE");
    const text = await s.run("waves");
    expect(text.stdout).toBe(`wave 1: ${inv("T001")}, ${inv("T002")}\nwave 2: ${inv("T003")}, ${inv("T004")}\nwave 3: ${inv("T005")}\n`);
  });

  it("graph: json nodes and edges, mermaid (the default) and dot text; a bad format is exit 2", async () => {
    const json = await s.json("graph", "--format", "json");
    expect(json.code).toBe(0);
    expect(json.json?.data.nodes.map((n: { id: string; wave: number }) => [n.id, n.wave])).toEqual([
      [inv("T001"), 0],
      [inv("T002"), 0],
      [inv("T003"), 1],
      [inv("T004"), 1],
      [inv("T005"), 2],
    ]);
    expect(json.json?.data.edges).toEqual([
      { from: inv("T001"), to: inv("T003") },
      { from: inv("T002"), to: inv("T003") },
      { from: inv("T001"), to: inv("T004") },
      { from: inv("T002"), to: inv("T004") },
      { from: inv("T004"), to: inv("T005") },
    ]);

    const mermaid = await s.json("graph", "--format", "mermaid");
    expect(mermaid.json?.data.format).toBe("mermaid");
    const m = mermaid.json?.data.text as string;
    expect(m.split("\n")[0]).toBe("flowchart LR");
    expect(m).toContain(`t0["${inv("T001")}: Invoice to CSV serializer<br/>ready"]:::ready`);
    for (const edge of ["t0 --> t2", "t1 --> t2", "t0 --> t3", "t1 --> t3", "t3 --> t4"]) expect(m).toContain(`  ${edge}\n`);
    const plain = await s.run("graph");
    expect(plain.stdout).toBe(m);

    const dot = await s.json("graph", "--format", "dot");
    const d = dot.json?.data.text as string;
    expect(d).toMatch(/^digraph plan \{\n/);
    expect(d).toContain(`  "${inv("T004")}" -> "${inv("T005")}";`);
    expect(d.trimEnd().endsWith("}")).toBe(true);

    const bad = await s.json("graph", "--format", "png");
    expect(bad.code).toBe(2);
    expect(bad.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("png") });
  });
});
