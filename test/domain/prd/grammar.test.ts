import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePrd, type ParsedPrd, type PrdTask } from "../../../src/domain/prd/index.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

function parsed(name: string): ParsedPrd {
  const result = parsePrd(fixture(name), { file: name });
  if (!result.ok) expect.fail(`${name} should parse, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.prd;
}

function warningsOf(name: string): { line: number | undefined; message: string }[] {
  return parsePrd(fixture(name), { file: name }).warnings.map((w) => ({ line: w.line, message: w.message }));
}

function task(prd: ParsedPrd, id: string): PrdTask {
  const found = prd.tasks.find((t) => t.id === id);
  if (!found) expect.fail(`no task ${id} in ${prd.tasks.map((t) => t.id).join(", ")}`);
  return found;
}

describe("sections and headings", () => {
  it("reads a minimal PRD without warnings", () => {
    const result = parsePrd(fixture("minimal.md"), { file: "minimal.md" });
    expect(result).toMatchObject({ ok: true, warnings: [] });
    expect(parsed("minimal.md")).toMatchObject({
      title: "Minimal",
      summary: "The smallest PRD that imports.",
      goals: ["Import cleanly"],
      requirements: [{ id: "R001", text: "It imports.", line: 10, idGenerated: false }],
      sourceLines: 10,
    });
  });

  it("matches headings case-insensitively, ignoring spaces, closing hashes, numbering and a colon", () => {
    expect(parsed("headings.md")).toMatchObject({
      title: "Any title works",
      summary: "Headings match case-insensitively, ignoring surrounding spaces.",
      goals: ["closing hashes are stripped"],
      nonGoals: ["first synonym"],
      requirements: [{ id: "R001" }],
      acceptanceCriteria: ["spec-level criterion"],
      risks: ["a risk"],
      notes: [],
    });
    expect(warningsOf("headings.md")).toEqual([]);
  });

  it("accepts Non-Goals, Non Goals and Out of Scope as the same section", () => {
    expect(parsed("out-of-scope.md").nonGoals).toEqual(["Mobile apps"]);
    expect(parsed("headings.md").nonGoals).toEqual(["first synonym"]);
    expect(parsed("minimal.md").nonGoals).toEqual([]);
  });

  it("strips only the Project: prefix from the title", () => {
    const text = fixture("minimal.md").replace("# Project: Minimal", "# project :  Billing v2");
    const result = parsePrd(text, { file: "t.md" });
    expect(result.ok && result.prd.title).toBe("Billing v2");
  });
});

describe("fenced code blocks", () => {
  const prd = parsed("fences.md");

  it("never lets a # line inside a fence start a section or a block", () => {
    expect(prd.summary).toBe("A summary with code:\n\n```md\n# Not a title\n## Tasks\n### T999: Not a task\n```");
    expect(prd.tasks.map((t) => t.id)).toEqual(["T001"]);
    expect(prd.title).toBe("Fences");
  });

  it("closes a fence only with the same character, at least as long", () => {
    const intent = task(prd, "T001").intent;
    expect(intent).toContain("## Still inside the tilde fence");
    expect(intent).toContain("**Bogus:** not a field inside a fence");
    expect(intent.endsWith("Intent after the example. [NEEDS DECISION: outside]\n\n````\n```\n[NEEDS DECISION: inside a fence]\n````")).toBe(true);
  });

  it("keeps fenced content out of fields and decisions", () => {
    expect(task(prd, "T001").verification).toEqual(["npm test -- fences"]);
    expect(prd.decisions).toEqual([{ question: "outside", section: "Tasks", line: 31 }]);
    expect(warningsOf("fences.md")).toEqual([]);
  });
});

describe("bullets", () => {
  it("keeps wrapped continuation lines with their bullet", () => {
    const prd = parsed("wrapped-bullets.md");
    expect(prd.goals).toEqual([
      "A goal that is long enough to wrap onto an indented line",
      "A goal wrapped lazily without indentation",
      "A third goal",
    ]);
    expect(prd.requirements[0]?.text).toBe("A requirement that wraps onto a second line.");
    const t = task(prd, "T001");
    expect(t.acceptanceCriteria).toEqual([
      "The first criterion is long and wraps onto a second indented line and a third",
      "The second criterion",
    ]);
    expect(t.verification).toEqual(["npm test -- wrapped"]);
  });

  it("in a block, an unindented line after the last bullet starts the free text (the template's layout)", () => {
    expect(task(parsed("wrapped-bullets.md"), "T001").intent).toBe(
      "The intent follows the last bullet directly, without a blank line,\nand spans two lines.\n\nA second paragraph of intent.",
    );
  });

  it("treats -, *, +, 1. and 1) as bullets and drops task-list checkboxes", () => {
    const prd = parsed("bullet-styles.md");
    expect(prd.goals).toEqual([
      "dash",
      "star",
      "plus",
      "numbered with a dot",
      "numbered with a parenthesis",
      "unchecked box",
      "checked box",
    ]);
    expect(prd.requirements.map((r) => [r.id, r.text])).toEqual([
      ["R001", "Star requirement."],
      ["R002", "Numbered requirement."],
    ]);
    expect(task(prd, "T001")).toMatchObject({
      acceptanceCriteria: ["star criterion", "plus criterion", "first numbered", "second numbered"],
      verification: ["npm test", "npm run lint"],
    });
  });

  it("reports (and does not import) a non-bullet paragraph in a list section", () => {
    const text = fixture("minimal.md").replace("- Import cleanly", "Some prose in the goals.\nMore prose.\n\n- Import cleanly");
    const result = parsePrd(text, { file: "t.md" });
    expect(result.ok && result.prd.goals).toEqual(["Import cleanly"]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ line: 7, severity: "warning", message: expect.stringContaining("not a bullet item") }),
    ]);
  });
});

describe("fields", () => {
  const prd = parsed("field-syntax.md");

  it("reads **Name:** value and **Name**: value with case-insensitive names", () => {
    expect(prd.features[0]?.requirements).toEqual(["R001"]);
    expect(task(prd, "T001").priority).toBe("low");
    expect(task(prd, "T002")).toMatchObject({
      feature: "F001",
      priority: "critical",
      dependencies: ["T001"],
      scope: ["src/a.ts"],
      acceptanceCriteria: ["criterion one"],
      verification: ["npm test"],
      nonGoals: ["no PDF"],
    });
  });

  it("takes an inline first value and the bullets after it, across a blank line", () => {
    expect(task(prd, "T002").requiredEvidence).toEqual(["tests pass", "coverage report"]);
    expect(task(prd, "T002").manualSteps).toEqual(["open the page", "click export"]);
  });

  it("adds an Intent field to the free text", () => {
    expect(task(prd, "T002").intent).toBe("The intent field starts the free text.\nMore free text.");
  });

  it("defaults priority to medium", () => {
    expect(task(parsed("subtasks.md"), "T003").priority).toBe("medium");
  });

  it("warns about a list field with nothing in it", () => {
    const text = `${fixture("minimal.md")}\n## Tasks\n\n### T001: Empty field\n**Verification:**\nIntent.\n`;
    const result = parsePrd(text, { file: "t.md" });
    expect(result.ok && task(result.prd, "T001")).toMatchObject({ verification: [], intent: "Intent." });
    expect(result.warnings).toEqual([expect.objectContaining({ line: 15, message: 'Field "Verification" in task T001 is empty' })]);
  });
});

describe("backticks", () => {
  const t = task(parsed("backticks.md"), "T001");

  it("strips backticks from file paths and keeps brace globs whole", () => {
    expect(t.scope).toEqual(["src/a.ts", "src/b,c.ts", "src/**/*.{ts,tsx}", "test/a.test.ts", "docs/guide.md"]);
  });

  it("strips one surrounding pair from a verification command, and nothing else", () => {
    expect(t.verification).toEqual(["npm test -- a", "echo `date`", "`npm test` && `npm run lint`", "npm run build"]);
  });

  it("leaves backticks in prose alone", () => {
    expect(parsed("backticks.md").goals).toEqual(["`code` in a goal stays as written"]);
  });
});

describe("HTML comments", () => {
  const prd = parsed("html-comments.md");

  it("ignores single-line, inline and multi-line comments", () => {
    expect(prd.summary).toBe("Visible summary.  Still visible.");
    expect(prd.tasks.map((t) => t.id)).toEqual(["T001"]);
    expect(prd.requirements).toEqual([{ id: "R001", text: "Comments are ignored.", line: 20, idGenerated: false }]);
    expect(prd.decisions).toEqual([]);
  });

  it("drops a comment-only line instead of turning it into a paragraph break", () => {
    expect(prd.goals).toEqual(["A goal that wraps onto a second line", "Second goal"]);
  });

  it("keeps comment markers inside a fenced code block as content", () => {
    const text = fixture("minimal.md").replace("The smallest PRD that imports.", "```html\n<!-- kept -->\n```");
    const result = parsePrd(text, { file: "t.md" });
    expect(result.ok && result.prd.summary).toBe("```html\n<!-- kept -->\n```");
  });

  it("does not read fields inside comments, and keeps line numbers of the original file", () => {
    expect(task(prd, "T001")).toMatchObject({ priority: "medium", verification: ["npm test"], line: 24 });
    expect(warningsOf("html-comments.md")).toEqual([]);
  });
});

describe("[NEEDS DECISION] markers", () => {
  it("lists every marker with its question, section and line; not in fences or comments", () => {
    expect(parsed("decisions.md").decisions).toEqual([
      { question: null, section: "Summary", line: 4 },
      { question: "CSV or JSON?", section: "Goals", line: 7 },
      { question: "naming", section: "Goals", line: 7 },
      { question: "which zip library", section: "Tasks", line: 15 },
    ]);
  });

  it("keeps the marker in the text it annotates", () => {
    expect(parsed("decisions.md").summary).toBe("Markers anywhere. [NEEDS DECISION]");
  });
});

describe("open questions", () => {
  it("ignores placeholders such as none, n/a, tbd, -, nothing (any case, decorated)", () => {
    const prd = parsed("open-questions.md");
    expect(prd.openQuestions).toEqual([
      { text: "Who owns the export job?", line: 23 },
      { text: "Is none of this needed?", line: 24 },
    ]);
    expect(prd.risks).toEqual([]);
  });
});

describe("notes", () => {
  it("keeps uninterpreted text as notes, each with a warning", () => {
    expect(parsed("notes.md").notes).toEqual([
      { heading: "(preamble)", text: "Draft, do not share.", line: 1 },
      { heading: "(introduction)", text: "Written by the payments team.", line: 5 },
      { heading: "Background", text: "Exports have been manual since 2019.\n\n### History\nLong story.", line: 10 },
      { heading: "Tasks", text: "Tasks are ordered by priority.", line: 23 },
      { heading: "Appendix", text: "Extra material.", line: 28 },
    ]);
    expect(warningsOf("notes.md")).toEqual([
      { line: 1, message: "Text before the title is not interpreted; it is kept as a note" },
      { line: 5, message: 'Text between the title and the first "##" section is not interpreted; it is kept as a note' },
      { line: 10, message: 'Section "## Background" is not interpreted; it is kept as a note' },
      { line: 23, message: 'Text under "## Tasks" before its first "###" block is not interpreted; it is kept as a note' },
      { line: 28, message: 'Section "# Appendix" is not interpreted; it is kept as a note' },
    ]);
  });

  it("still reads the known sections around them", () => {
    expect(parsed("notes.md")).toMatchObject({ title: "Notes", goals: ["Keep everything"], tasks: [{ id: "T001", intent: "Intent." }] });
  });
});

describe("subtasks", () => {
  const prd = parsed("subtasks.md");

  it("makes T003 the parent of T003.1 and T003.1 the parent of T003.1.1", () => {
    expect(prd.tasks.map((t) => [t.id, t.parent, t.title])).toEqual([
      ["T003", null, "Parent task"],
      ["T003.1", "T003", "Child task"],
      ["T003.2", "T003", "Second child"],
      ["T003.1.1", "T003.1", "Grandchild"],
    ]);
  });

  it("starts a block at a deeper heading only when it carries a task id", () => {
    expect(task(prd, "T003").intent).toBe("Parent intent.\n#### Details\nStill the parent's intent.");
    expect(task(prd, "T003.1").dependencies).toEqual(["T003.2"]);
  });
});
