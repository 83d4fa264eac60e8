import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { type CliResult, planref } from "../helpers/cli.js";

/**
 * `planref spec …` through the real binary, as a person writing and approving PRDs runs it.
 * The tests in a describe share one repository and run in order, like a session would.
 */

afterAll(cleanupAll);

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES: Record<string, string> = {
  "prd/invoice-export.md": "fixtures/prd/invoice-export.md",
  "prd/billing-reminders.md": "test/fixtures/prd/billing-reminders.md",
  "prd/broken.md": "test/fixtures/prd/broken.md",
  "prd/invoice-export-v2.md": "test/fixtures/prd/invoice-export-v2.md",
};
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const inv = (local: string) => `invoice-export.${local}`;

function session(): { repo: TempRepo; run(...args: string[]): Promise<CliResult>; json(...args: string[]): Promise<CliResult>; tip(): string } {
  const repo = makeRepo();
  mkdirSync(join(repo.dir, "prd"));
  for (const [to, from] of Object.entries(FIXTURES)) copyFileSync(join(ROOT, from), join(repo.dir, to));
  const env = { ...repo.env, PLANREF_ACTOR: "alice" };
  const run = (...args: string[]) => planref(args, { cwd: repo.dir, env });
  return { repo, run, json: (...args) => run(...args, "--json"), tip: () => repo.git("rev-parse", "refs/plan/state").trim() };
}

describe("planref spec import / list / show / decisions / review", () => {
  const s = session();

  beforeAll(async () => {
    expect((await s.run("init", "--name", "shop")).code).toBe(0);
  });

  it("import --dry-run shows the plan and writes nothing; import applies it as one commit", async () => {
    const tip = s.tip();
    const dry = await s.json("spec", "import", "prd/invoice-export.md", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({
      ok: true,
      data: { spec: "invoice-export", dryRun: true, commit: null, specChange: "added", specStatus: { from: null, to: "draft" }, tasks: { added: ["T001", "T002", "T003", "T004", "T005"].map(inv), changed: [], removed: [], unchanged: [] } },
    });
    expect(s.tip()).toBe(tip);
    expect((await s.json("spec", "list")).json?.data.specs).toEqual([]);

    const r = await s.json("spec", "import", "prd/invoice-export.md");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.json?.data).toMatchObject({ spec: "invoice-export", dryRun: false, commit: s.tip(), specChange: "added", features: { added: ["F001", "F002"], changed: [], removed: [] }, warnings: [] });
    expect(r.json?.data.tasks.added).toHaveLength(5);
    expect(s.repo.git("log", "-1", "--format=%s|%(trailers:key=Planref-Op,valueonly)", "refs/plan/state").trim()).toBe("import spec invoice-export (+5 ~0 -0 tasks)|spec-import");
  });

  it("human output of an import lists the + lines and the next step", async () => {
    const r = await s.run("spec", "import", "prd/billing-reminders.md");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("spec billing-reminders: added, draft");
    expect(lines).toContain("  + T001  Reminder scheduler");
    expect(lines).toContain("  + T002  Reminder email template");
    expect(r.stdout).toMatch(/applied in [0-9a-f]{12}\n/);
    expect(lines.at(-1)).toBe("next: planref spec review billing-reminders --approve");
  });

  it("list, show (by prefix) and show --source: the exact imported bytes and their sha256", async () => {
    const bytes = readFileSync(join(s.repo.dir, "prd/invoice-export.md"));
    const list = await s.json("spec", "list");
    expect(list.json?.data.specs).toEqual([
      expect.objectContaining({ id: "billing-reminders", title: "Billing reminders", status: "draft", tasks: 2, approvedFor: null }),
      expect.objectContaining({ id: "invoice-export", title: "Invoice export", status: "draft", tasks: 5, sourceFile: "prd/invoice-export.md", contentHash: sha256(bytes) }),
    ]);

    const show = await s.json("spec", "show", "inv");
    expect(show.code).toBe(0);
    expect(show.json?.data.spec).toMatchObject({ id: "invoice-export", status: "draft", contentHash: sha256(bytes), goals: expect.arrayContaining(["Monthly batch export delivered as one zip file"]), requirements: expect.arrayContaining([{ id: "R004", text: "Export files never include another customer's data." }]) });
    expect(show.json?.data.tasks).toEqual([
      { id: inv("T001"), localId: "T001", title: "Invoice to CSV serializer", status: "draft", priority: "high" },
      { id: inv("T002"), localId: "T002", title: "Invoice to PDF renderer", status: "draft", priority: "medium" },
      { id: inv("T003"), localId: "T003", title: "Download endpoint", status: "draft", priority: "high" },
      { id: inv("T004"), localId: "T004", title: "Batch archive builder", status: "draft", priority: "medium" },
      { id: inv("T005"), localId: "T005", title: "Batch request API and job", status: "draft", priority: "low" },
    ]);

    const source = await s.json("spec", "show", "invoice-export", "--source");
    expect(source.json?.data.source).toBe(bytes.toString("utf8"));
    expect(sha256(Buffer.from(source.json?.data.source, "utf8"))).toBe(show.json?.data.spec.contentHash);
    const human = await s.run("spec", "show", "invoice-export", "--source");
    expect(human.stdout).toBe(bytes.toString("utf8"));

    const text = await s.run("spec", "show", "billing-reminders");
    expect(text.stdout).toContain("billing-reminders: Billing reminders");
    expect(text.stdout).toContain("status draft");
  });

  it("decisions lists NEEDS DECISION markers, open questions and tasks the readiness gate will refuse", async () => {
    const r = await s.json("spec", "decisions", "billing-reminders");
    expect(r.code).toBe(0);
    expect(r.json?.data).toEqual({
      spec: "billing-reminders",
      decisions: [
        { question: "email provider", section: "Open Questions", line: 16 },
        { question: "tone of voice", section: "Tasks", line: 32 },
      ],
      // "none" is a placeholder, not a question.
      openQuestions: [{ text: "Which email provider do we use? [NEEDS DECISION: email provider]", line: 16 }],
      tasksMissingCriteria: ["billing-reminders.T002"],
      tasksMissingVerification: ["billing-reminders.T002"],
    });
    const human = await s.run("spec", "decisions", "billing-reminders");
    expect(human.stdout).toContain("NEEDS DECISION (Tasks, line 32): tone of voice");
    expect(human.stdout).toContain("billing-reminders.T002: no verification command");
  });

  it("task review before the spec is approved is GATE_REFUSED (exit 6) with findings", async () => {
    const r = await s.json("task", "review", "invoice-export.T001", "--approve");
    expect(r.code).toBe(6);
    expect(r.json?.error).toMatchObject({ code: "GATE_REFUSED", details: { task: inv("T001"), findings: [{ rule: "spec-approved", message: "spec invoice-export is draft, not approved" }] }, hint: expect.stringContaining("spec review") });
  });

  it("review: one verdict flag at a time; each verdict moves the spec along its lifecycle", async () => {
    const tip = s.tip();
    const two = await s.json("spec", "review", "invoice-export", "--approve", "--reject");
    expect(two.code).toBe(2);
    expect(two.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("exactly one") });
    expect((await s.json("spec", "review", "invoice-export")).code).toBe(2);
    expect(s.tip()).toBe(tip);

    const marked = await s.json("spec", "review", "billing-reminders", "--mark-reviewed", "--note", "read it");
    expect(marked.json?.data).toMatchObject({ spec: "billing-reminders", from: "draft", to: "reviewed" });
    const approved = await s.json("spec", "review", "billing", "--approve");
    expect(approved.json?.data).toMatchObject({ from: "reviewed", to: "approved", contentHash: sha256(readFileSync(join(s.repo.dir, "prd/billing-reminders.md"))) });
    const back = await s.json("spec", "review", "billing-reminders", "--request-changes", "--note", "tone of voice first");
    expect(back.json?.data).toMatchObject({ from: "approved", to: "draft" });
    const rejected = await s.json("spec", "review", "billing-reminders", "--reject");
    expect(rejected.json?.data).toMatchObject({ from: "draft", to: "rejected" });
    const superseded = await s.json("spec", "review", "billing-reminders", "--supersede", "--by", "invoice-export");
    expect(superseded.json?.data).toMatchObject({ from: "rejected", to: "superseded" });
    const again = await s.json("spec", "review", "billing-reminders", "--approve");
    expect(again.code).toBe(3);
    expect(again.json?.error?.code).toBe("INVALID_TRANSITION");

    const shown = (await s.json("spec", "show", "billing-reminders")).json?.data.spec;
    expect(shown).toMatchObject({ status: "superseded", supersededBy: "invoice-export" });
    expect(shown.reviews.map((r: { verdict: string; by: string }) => `${r.verdict}:${r.by}`)).toEqual(["mark-reviewed:alice", "approve:alice", "request-changes:alice", "reject:alice", "supersede:alice"]);
    expect(shown.reviews[0].note).toBe("read it");
    expect(s.repo.git("log", "-1", "--format=%(trailers:key=Planref-Verdict,valueonly)", "refs/plan/state").trim()).toBe("supersede");

    const human = await s.run("spec", "review", "invoice-export", "--approve");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^spec invoice-export: draft -> approved \([0-9a-f]{12}\)\n$/);
  });

  it("re-import of an edited PRD: --dry-run plan in JSON, then the +/~/-/= lines in human output", async () => {
    for (const t of ["T001", "T002", "T003", "T004", "T005"]) expect((await s.json("task", "review", inv(t), "--approve")).code).toBe(0);
    const tip = s.tip();
    const dry = await s.json("spec", "import", "prd/invoice-export-v2.md", "--id", "invoice-export", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.json?.data).toMatchObject({
      spec: "invoice-export",
      dryRun: true,
      commit: null,
      specChange: "changed",
      specStatus: { from: "approved", to: "draft" },
      tasks: {
        added: [inv("T006")],
        changed: [
          { id: inv("T001"), fields: ["title"], statusChange: { from: "ready", to: "draft" } },
          { id: inv("T002"), fields: ["acceptanceCriteria"], statusChange: { from: "ready", to: "draft" } },
        ],
        removed: [{ id: inv("T005"), action: "delete" }],
        unchanged: [inv("T003"), inv("T004")],
      },
    });
    expect(s.tip()).toBe(tip);

    const r = await s.run("spec", "import", "prd/invoice-export-v2.md", "--id", "invoice-export");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("spec invoice-export: changed, approved -> draft (content changed: needs review again)");
    expect(lines).toContain("  + T006  Export audit log");
    expect(lines).toContain("  ~ T001  CSV serializer for invoices  (title)  ready -> draft");
    expect(lines).toContain("  ~ T002  Invoice to PDF renderer  (acceptanceCriteria)  ready -> draft");
    expect(lines).toContain("  - T005  Batch request API and job  (deleted)");
    expect(lines).toContain("  = 2 unchanged");
    expect(lines.at(-1)).toBe("next: planref spec review invoice-export --approve");
    expect(s.tip()).not.toBe(tip);

    const list = (await s.json("task", "list", "--spec", "invoice-export")).json?.data.tasks;
    expect(list.map((t: { localId: string; status: string }) => `${t.localId}:${t.status}`)).toEqual(["T001:draft", "T002:draft", "T003:ready", "T004:ready", "T006:draft"]);
    const shown = await s.run("spec", "show", "invoice-export");
    expect(shown.stdout).toContain("for earlier content");
    const source = await s.json("spec", "show", "invoice-export", "--source");
    expect(source.json?.data.source).toBe(readFileSync(join(s.repo.dir, "prd/invoice-export-v2.md"), "utf8"));

    const refused = await s.json("task", "review", inv("T001"), "--approve");
    expect(refused.code).toBe(6);
    expect(refused.json?.error?.details.findings).toEqual([{ rule: "spec-approved", message: "spec invoice-export is draft, not approved" }]);
  });

  it("errors: missing file (4), PRD with errors (5, issues with path and line), unknown spec (4), ambiguous spec prefix (2)", async () => {
    const tip = s.tip();
    const missing = await s.json("spec", "import", "prd/nope.md");
    expect(missing.code).toBe(4);
    expect(missing.json?.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("prd/nope.md"), details: { file: "prd/nope.md" } });

    const broken = await s.json("spec", "import", "prd/broken.md");
    expect(broken.code).toBe(5);
    expect(broken.json?.error).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/^prd\/broken\.md:15: /) });
    expect(broken.json?.error?.details.issues).toEqual([
      expect.objectContaining({ path: "prd/broken.md", line: 15, severity: "error", message: expect.stringContaining("unknown task T009") }),
      expect.objectContaining({ path: "prd/broken.md", line: 29, severity: "error", message: expect.stringContaining("Duplicate task id T002") }),
    ]);
    const human = await s.run("spec", "import", "prd/broken.md");
    expect(human.code).toBe(5);
    expect(human.stdout).toBe("");
    expect(human.stderr).toContain("  - prd/broken.md:15: ");
    expect(human.stderr).toContain("  - prd/broken.md:29: ");
    expect(s.tip()).toBe(tip);

    expect((await s.json("spec", "show", "nope")).json?.error?.code).toBe("NOT_FOUND");
    expect((await s.json("spec", "decisions", "nope")).code).toBe(4);
    expect((await s.json("spec", "review", "nope", "--approve")).code).toBe(4);

    // A third spec whose id shares a prefix with the first.
    writeFileSync(join(s.repo.dir, "prd/invoice-archive.md"), readFileSync(join(s.repo.dir, "prd/billing-reminders.md")));
    expect((await s.json("spec", "import", "prd/invoice-archive.md")).code).toBe(0);
    const ambiguous = await s.json("spec", "show", "invoice");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.json?.error).toMatchObject({ code: "AMBIGUOUS_ID", details: { prefix: "invoice", candidates: ["invoice-archive", "invoice-export"] } });
  });
});
