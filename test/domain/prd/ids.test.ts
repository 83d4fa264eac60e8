import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePrd, type ParsedPrd } from "../../../src/domain/prd/index.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

function parsedText(text: string): ParsedPrd {
  const result = parsePrd(text, { file: "t.md" });
  if (!result.ok) expect.fail(`should parse, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.prd;
}

describe("an id is a whole token", () => {
  const prd = parsedText(fixture("r2d2.md"));

  it("does not read R2D2 as id R2, in a requirement or a task heading", () => {
    expect(prd.requirements[0]).toEqual({ id: "R-r2d2-beeps-and-whistles", text: "R2D2 beeps and whistles.", line: 10, idGenerated: true });
    expect(prd.tasks[0]).toMatchObject({ id: "T-r2d2-repair-droid", title: "R2D2 repair droid", idGenerated: true });
    expect(prd.tasks[3]).toMatchObject({ id: "T-t2d2-is-also-just-a-title", title: "T2D2 is also just a title" });
  });

  it("reads an id followed by a space or a dash as well as by a colon", () => {
    expect(prd.requirements[1]).toEqual({ id: "R7", text: "carries an id without a colon", line: 11, idGenerated: false });
    expect(prd.tasks[1]).toMatchObject({ id: "T001", title: "Title without a colon", idGenerated: false });
    expect(prd.tasks[2]).toMatchObject({ id: "T002", title: "Title after a dash", idGenerated: false });
  });

  it("accepts bold around a requirement id", () => {
    const text = fixture("minimal.md").replace("- R001: It imports.", "- **R001:** It imports.\n- **R002**: Bold after.");
    expect(parsedText(text).requirements.map((r) => [r.id, r.text])).toEqual([
      ["R001", "It imports."],
      ["R002", "Bold after."],
    ]);
  });
});

describe("generated ids", () => {
  const source = fixture("generated-ids.md");
  const prd = parsedText(source);

  it("derives ids from titles, made unique in document order", () => {
    expect(prd.requirements.map((r) => [r.id, r.idGenerated])).toEqual([
      ["R-exports-are-reproducible", true],
      ["R001", false],
    ]);
    expect(prd.features.map((f) => [f.id, f.idGenerated])).toEqual([["F-batch-export", true]]);
    expect(prd.tasks.map((t) => [t.id, t.idGenerated])).toEqual([
      ["T001", false],
      ["T-build-the-zip-archive", true],
      ["T-build-the-zip-archive-2", true],
      ["T-cafe-menu", true],
    ]);
  });

  it("can be referenced by features and dependencies", () => {
    expect(prd.tasks[1]).toMatchObject({ feature: "F-batch-export", dependencies: ["T001"] });
    expect(prd.tasks[3]?.dependencies).toEqual(["T-build-the-zip-archive"]);
  });

  it("warns for each generated id, suggesting a written id to add", () => {
    const result = parsePrd(source, { file: "generated-ids.md" });
    expect(result.warnings.map((w) => [w.line, w.message])).toEqual([
      [10, 'Requirement "Exports are reproducible." has no id; it was imported as R-exports-are-reproducible, which changes when its text changes'],
      [15, 'Feature "Batch export" has no id; it was imported as F-batch-export, which changes when its text changes'],
      [22, 'Task "Build the zip archive" has no id; it was imported as T-build-the-zip-archive, which changes when its text changes'],
      [26, 'Task "Build the zip archive" has no id; it was imported as T-build-the-zip-archive-2, which changes when its text changes'],
      [28, 'Task "Café menu" has no id; it was imported as T-cafe-menu, which changes when its text changes'],
    ]);
    expect(result.warnings[2]?.hint).toBe('Write an id into the PRD, e.g. "### T002: Build the zip archive", so re-imports can follow it reliably.');
  });

  it("stay the same when blocks and requirements are inserted before them", () => {
    const edited = source
      .replace("## Requirements\n", "## Requirements\n- A new first requirement.\n- R009: Another.\n")
      .replace("## Features\n", "## Features\n\n### A new feature\n")
      .replace("## Tasks\n", "## Tasks\n\n### A new first task\n\n### T000: Written new task\n");
    const after = parsedText(edited);
    const ids = (p: ParsedPrd) => ({
      requirements: p.requirements.map((r) => `${r.id}=${r.text}`),
      features: p.features.map((f) => `${f.id}=${f.title}`),
      tasks: p.tasks.map((t) => `${t.id}=${t.title}`),
    });
    const before = ids(prd);
    const now = ids(after);
    expect(now.requirements).toEqual(expect.arrayContaining(before.requirements));
    expect(now.features).toEqual(expect.arrayContaining(before.features));
    expect(now.tasks).toEqual(expect.arrayContaining(before.tasks));
    expect(now.tasks.slice(0, 2)).toEqual(["T-a-new-first-task=A new first task", "T000=Written new task"]);
  });

  it("are the same on every parse", () => {
    expect(parsedText(source)).toEqual(prd);
  });

  it("fold accents and fall back to a hash for titles without ASCII letters", () => {
    const text = `${fixture("minimal.md")}\n## Tasks\n\n### Überprüfung der Zähler\n\n### 請求書のエクスポート\n`;
    const [first, second] = parsedText(text).tasks;
    expect(first?.id).toBe("T-uberprufung-der-zahler");
    expect(second?.id).toMatch(/^T-h[0-9a-z]+$/);
    expect(parsedText(text).tasks[1]?.id).toBe(second?.id);
  });

  it("are cut to a bounded length", () => {
    const title = "word ".repeat(200);
    const text = `${fixture("minimal.md")}\n## Tasks\n\n### ${title}\n`;
    const id = parsedText(text).tasks[0]?.id ?? "";
    expect(id.length).toBeLessThanOrEqual(42);
    expect(id).toMatch(/^T-word(-word)*$/);
  });
});
