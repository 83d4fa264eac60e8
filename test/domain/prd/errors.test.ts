import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePrd } from "../../../src/domain/prd/index.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

interface Found {
  line: number | undefined;
  message: string;
}

/** Errors as [line, message]; also checks every error carries path, hint and severity. */
function errorsOf(name: string, text = fixture(name)): Found[] {
  const result = parsePrd(text, { file: name });
  if (result.ok) expect.fail(`${name} should not parse`);
  for (const issue of result.errors) {
    expect(issue).toMatchObject({ path: name, severity: "error" });
    expect(issue.hint ?? "").not.toBe("");
  }
  return result.errors.map((e) => ({ line: e.line, message: e.message }));
}

describe("required sections", () => {
  it("reports each missing section at the title line, with the heading to add in the hint", () => {
    const result = parsePrd(fixture("err-missing-sections.md"), { file: "x.md" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.line, e.message, e.hint])).toEqual([
      [1, 'The PRD has no "## Summary" section', 'Add "## Summary" with a short paragraph saying what the spec is for.'],
      [1, 'The PRD has no "## Goals" section', 'Add "## Goals" with at least one bullet, e.g. "- <goal>".'],
      [1, 'The PRD has no "## Requirements" section', 'Add "## Requirements" with bullets such as "- R001: <requirement>".'],
    ]);
  });

  it("reports empty required sections at their heading (placeholders and comments do not count)", () => {
    expect(errorsOf("err-empty-sections.md")).toEqual([
      { line: 3, message: '"## Summary" is empty' },
      { line: 6, message: '"## Goals" is empty' },
      { line: 9, message: '"## Requirements" is empty' },
    ]);
  });

  it("reports a missing or empty title", () => {
    const body = fixture("minimal.md").replace("# Project: Minimal\n", "");
    expect(errorsOf("no-title.md", body)).toEqual([{ line: 1, message: "The PRD has no title" }]);
    expect(errorsOf("empty-title.md", fixture("minimal.md").replace("# Project: Minimal", "# Project:"))).toEqual([
      { line: 1, message: "The PRD title is empty" },
    ]);
  });
});

describe("ids", () => {
  it("reports duplicate requirement, feature and task ids and duplicate sections, with both lines", () => {
    expect(errorsOf("err-duplicate-ids.md")).toEqual([
      { line: 11, message: "Duplicate requirement id R001 (first used on line 10)" },
      { line: 18, message: "Duplicate feature id F001 (first used on line 15)" },
      { line: 24, message: "Duplicate task id T001 (first used on line 22)" },
      { line: 26, message: 'Section "## Goals" appears twice (first on line 6)' },
    ]);
  });

  it("rejects malformed and unsafe ids, and ids of the wrong kind", () => {
    expect(errorsOf("err-invalid-ids.md")).toEqual([
      { line: 10, message: '"R1/2" is not a valid requirement id' },
      { line: 15, message: "T010 is a task id, but this is a feature" },
      { line: 21, message: '"T1..2" is not a valid task id' },
      { line: 22, message: '"../T001" in the Dependencies of task T-t1-2 is not a valid id' },
      { line: 22, message: '"T001 (setup)" in the Dependencies of task T-t1-2 is not a valid id' },
      { line: 25, message: '"F/1" in the Feature of task T003 is not a valid id' },
    ]);
  });

  it("reports a block without a title", () => {
    const text = `${fixture("minimal.md")}\n## Tasks\n\n### T001\n\n### T002:\n`;
    expect(errorsOf("t.md", text)).toEqual([
      { line: 14, message: "Task T001 has no title" },
      { line: 16, message: "Task T002 has no title" },
    ]);
  });

  it("reports a requirement id without text", () => {
    const text = fixture("minimal.md").replace("- R001: It imports.", "- R001: It imports.\n- R002:");
    expect(errorsOf("t.md", text)).toEqual([{ line: 11, message: "Requirement R002 has no text" }]);
  });
});

describe("references", () => {
  it("reports unknown requirements, features and dependencies at the line that names them", () => {
    expect(errorsOf("err-unknown-refs.md")).toEqual([
      { line: 15, message: "Feature F001 refers to unknown requirement R009" },
      { line: 20, message: "Task T001 belongs to unknown feature F404" },
      { line: 21, message: "Task T001 depends on unknown task T002" },
      { line: 22, message: "Task T001 depends on unknown task T404" },
    ]);
  });

  it("reports a self-dependency", () => {
    expect(errorsOf("err-self-dependency.md")).toEqual([{ line: 15, message: "Task T001 depends on itself" }]);
  });

  it("names each dependency cycle, at the line of its first edge", () => {
    expect(errorsOf("err-cycle.md")).toEqual([
      { line: 15, message: "Dependency cycle: T001 -> T003 -> T001" },
      { line: 24, message: "Dependency cycle: T004 -> T005 -> T006 -> T004" },
    ]);
  });

  it("reports a subtask whose parent does not exist", () => {
    expect(errorsOf("err-missing-parent.md")).toEqual([{ line: 16, message: "Subtask T003.1 has no parent task T003" }]);
  });

  it("reports a task naming more than one feature", () => {
    const text = fixture("field-syntax.md").replace("**Feature**: F001", "**Feature**: F001, F002");
    expect(errorsOf("t.md", text)).toEqual([{ line: 24, message: "Task T002 names 2 features (F001, F002); a task belongs to one" }]);
  });
});

describe("fields", () => {
  it("reports unknown fields by name, listing the known ones, and repeated fields", () => {
    const result = parsePrd(fixture("err-unknown-field.md"), { file: "f.md" });
    if (result.ok) expect.fail("should not parse");
    expect(result.errors.map((e) => ({ line: e.line, message: e.message }))).toEqual([
      { line: 15, message: 'Unknown field "Owner" in feature F001' },
      { line: 20, message: 'Unknown field "Verifcation" in task T001' },
      { line: 23, message: 'Field "Priority" appears twice in task T001 (first on line 22)' },
    ]);
    expect(result.errors[1]?.hint).toContain("Known fields: Feature, Priority, Dependencies (or Depends on), Likely files (or Scope)");
    expect(result.errors[1]?.hint).toContain("Required evidence, Manual steps, Non-goals");
  });

  it("reports an unknown or empty priority with the allowed values", () => {
    const result = parsePrd(fixture("err-priority.md"), { file: "p.md" });
    if (result.ok) expect.fail("should not parse");
    expect(result.errors.map((e) => [e.line, e.message, e.hint])).toEqual([
      [15, 'Unknown priority "urgent" in task T001', "Use one of: low, medium, high, critical (or leave the field out for medium)."],
      [18, 'Field "Priority" in task T002 has no value', "Use one of: low, medium, high, critical (or leave the field out for medium)."],
    ]);
  });
});

describe("unclosed comments and fences", () => {
  it("is an error when an unclosed fence swallows the headings after it", () => {
    expect(errorsOf("err-unclosed.md")).toEqual([
      { line: 1, message: 'The PRD has no "## Goals" section' },
      { line: 1, message: 'The PRD has no "## Requirements" section' },
      { line: 6, message: "Code fence opened on line 6 is never closed, so the headings after it are read as code" },
    ]);
  });

  it("is only a warning when an unclosed fence at the end hides no heading", () => {
    const result = parsePrd(`${fixture("minimal.md")}\n## Appendix\n\`\`\`\ntrailing code\n`, { file: "t.md" });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => [w.line, w.message])).toEqual([
      [12, 'Section "## Appendix" is not interpreted; it is kept as a note'],
      [13, "Code fence opened on line 13 is never closed; it runs to the end of the file"],
    ]);
  });

  it("is an error when an HTML comment is never closed", () => {
    const text = fixture("minimal.md").replace("## Goals", "<!-- draft\n## Goals");
    expect(errorsOf("t.md", text)).toEqual([
      { line: 1, message: 'The PRD has no "## Goals" section' },
      { line: 1, message: 'The PRD has no "## Requirements" section' },
      { line: 6, message: "HTML comment opened on line 6 is never closed, so everything after it would be ignored" },
    ]);
  });
});

describe("result shape", () => {
  it("returns every error sorted by line, with warnings alongside", () => {
    const text = fixture("generated-ids.md").replace("**Dependencies:** T001", "**Dependencies:** T404");
    const result = parsePrd(text, { file: "g.md" });
    if (result.ok) expect.fail("should not parse");
    expect(result.errors).toEqual([
      {
        message: "Task T-build-the-zip-archive depends on unknown task T404",
        path: "g.md",
        line: 24,
        hint: 'Use one of: T001, T-build-the-zip-archive-2, T-cafe-menu, or add a "### T404: …" block.',
        severity: "error",
      },
    ]);
    expect(result.warnings).toHaveLength(5);
  });
});
