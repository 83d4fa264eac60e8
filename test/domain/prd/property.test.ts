import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePrd, type PrdParseResult } from "../../../src/domain/prd/index.js";

const lineCount = (text: string): number => (text === "" ? 0 : text.replace(/(\r\n|\r|\n)$/, "").split(/\r\n|\r|\n/).length);

/** The contract every result honours, whatever the input. */
function checkInvariants(text: string, result: PrdParseResult): void {
  const maxLine = Math.max(1, lineCount(text));
  const issues = result.ok ? result.warnings : [...result.errors, ...result.warnings];
  for (const issue of issues) {
    expect(issue.path).toBe("any.md");
    expect(Number.isInteger(issue.line)).toBe(true);
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.line).toBeLessThanOrEqual(maxLine);
    expect(issue.message).not.toBe("");
    expect(issue.hint ?? "").not.toBe("");
  }
  if (!result.ok) {
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.every((e) => e.severity === "error")).toBe(true);
    return;
  }
  expect(result.warnings.every((w) => w.severity === "warning")).toBe(true);
  const { prd } = result;
  expect(prd.sourceLines).toBe(lineCount(text.replace(/^\uFEFF/, "")));
  const taskIds = new Set(prd.tasks.map((t) => t.id));
  expect(taskIds.size).toBe(prd.tasks.length);
  for (const task of prd.tasks) {
    expect(task.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    expect(task.id).not.toContain("..");
    for (const dep of task.dependencies) expect(taskIds.has(dep)).toBe(true);
    if (task.parent !== null) expect(taskIds.has(task.parent)).toBe(true);
  }
}

/** Fragments that exercise the grammar's corners; random text alone rarely reaches them. */
const fragment = fc.constantFrom(
  "# Project: P",
  "# T",
  "## Summary",
  "## Goals",
  "## Non-Goals",
  "## Requirements",
  "## Features",
  "## Tasks",
  "## Open Questions",
  "## Notes",
  "### T001: One",
  "### T002: Two",
  "### T001.1: Sub",
  "### F001: Feature",
  "### R2D2 droid",
  "#### T002.1: Deep",
  "### Untitled block",
  "**Dependencies:** T001, T002",
  "**Dependencies:** T003",
  "**Feature:** F001",
  "**Priority:** high",
  "**Priority:** urgent",
  "**Likely files:** `src/a.ts`, src/{a,b}.ts",
  "**Verification:**",
  "**Requirements:** R001",
  "**Bogus:** x",
  "- R001: Requirement",
  "- item",
  "* star",
  "1. numbered",
  "  continued",
  "plain text",
  "",
  "```",
  "~~~",
  "````",
  "<!--",
  "-->",
  "<!-- c -->",
  "[NEEDS DECISION: q]",
  "- none",
  "---",
);

describe("property: the parser is total", () => {
  it("never throws on arbitrary strings, and every issue has a line in range", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        checkInvariants(text, parsePrd(text, { file: "any.md" }));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on markdown-like documents, and is deterministic", () => {
    // Half the documents start valid, so that successful parses get checked too.
    const valid = ["# Project: P", "## Summary", "S.", "## Goals", "- g", "## Requirements", "- R001: r", "## Features", "### F001: F", "## Tasks"];
    const document = fc
      .tuple(fc.boolean(), fc.array(fragment, { maxLength: 60 }), fc.constantFrom("\n", "\r\n", "\r"))
      .map(([prefixed, lines, eol]) => (prefixed ? [...valid, ...lines] : lines).join(eol));
    fc.assert(
      fc.property(document, (text) => {
        const result = parsePrd(text, { file: "any.md" });
        checkInvariants(text, result);
        expect(parsePrd(text, { file: "any.md" })).toEqual(result);
      }),
      { numRuns: 1000 },
    );
  });
});
