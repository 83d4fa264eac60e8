/**
 * Bugs the fuzz suites found, each pinned by the smallest input that showed it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parsePrd, STATE_LIMITS } from "../../src/domain/prd/index.js";
import { ValidationError } from "../../src/errors.js";
import { parsePayload } from "../../src/hooks/payload.js";
import { openProject } from "../../src/runtime/open-project.js";
import { MAX_YAML_NESTING, parseYaml, toCanonicalYaml } from "../../src/store/yaml.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";
import { handCommit } from "../helpers/hand-commit.js";

afterAll(cleanupAll);

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("deeply nested YAML (found by the YAML documents fuzz)", () => {
  // A few kilobytes each. Before the fix: "Maximum call stack size exceeded" as a document
  // error, a RangeError out of the parser (`a: a: a: …`), or, after a few of them in one
  // process, "FATAL ERROR: RegExpCompiler Allocation failed", which kills the process.
  const deep = {
    flow: `a: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`,
    map: `a: ${"{b: ".repeat(10_000)}1${"}".repeat(10_000)}\n`,
    compact: `: ${"a: ".repeat(12_000)}\n`,
  };

  it("is refused with a ValidationError naming the line, however often it is read", () => {
    for (let round = 0; round < 10; round++) {
      for (const [name, text] of Object.entries(deep)) {
        const err = refusal(() => parseYaml(text, { source: `${name}.yaml` }));
        expect(err.issues[0]).toMatchObject({ path: `${name}.yaml`, line: expect.any(Number), message: `YAML nests deeper than ${MAX_YAML_NESTING} levels` });
      }
    }
  });

  it("nesting up to the limit still reads", () => {
    const levels = MAX_YAML_NESTING - 4;
    expect(parseYaml(`a: ${"[".repeat(levels)}1${"]".repeat(levels)}\n`, { source: "ok.yaml" })).toMatchObject({ a: [expect.anything()] });
    const block = `${Array.from({ length: levels }, (_, i) => `${"  ".repeat(i)}k:`).join("\n")} 1\n`;
    let v = parseYaml(block, { source: "ok.yaml" }) as Record<string, unknown>;
    for (let i = 1; i < levels; i++) v = v.k as Record<string, unknown>;
    expect(v).toEqual({ k: 1 });
  });

  it("pushed onto refs/plan/state by hand, it is INVALID_STATE naming path and commit, not an internal error", async () => {
    const repo = makeRepo();
    const p = openProject({ cwd: repo.dir, env: repo.env, actor: "human" });
    try {
      await p.init({});
    } finally {
      await p.close();
    }
    const bad = handCommit(repo, { "tasks/00/deep.yaml": deep.compact });
    const q = openProject({ cwd: repo.dir, env: repo.env, actor: "human" });
    const err = await q.status().catch((e) => e);
    await q.close();
    expect(err).toMatchObject({ code: "INVALID_STATE" });
    expect(err.data.issues).toEqual([expect.objectContaining({ path: "tasks/00/deep.yaml", commit: bad, message: expect.stringContaining("nests deeper") })]);
  });
});

describe("canonical YAML of a key or value starting with U+FEFF (found by the YAML documents fuzz)", () => {
  it("round-trips: the first character is not taken for a byte order mark", () => {
    // Before the fix, { "\uFEFF": false } was written as "\uFEFF: false" and read back as { "": false }.
    for (const value of [{ "\uFEFF": false }, { "\uFEFFk": 1, "\uFEFFz": ["\uFEFF"] }, "\uFEFFx"]) {
      const emitted = toCanonicalYaml(value);
      expect(emitted.startsWith("\uFEFF")).toBe(false);
      const back = parseYaml(emitted, { source: "bom.yaml" });
      expect(back).toEqual(value);
      expect(toCanonicalYaml(back)).toBe(emitted);
    }
  });

  it("leaves every other document's bytes as they were", () => {
    expect(toCanonicalYaml({ b: "\uFEFFx", a: ["\uFEFFy"] })).toBe("a:\n  - \uFEFFy\nb: \uFEFFx\n");
  });
});

describe("a PRD with 100,000+ bullets in one run (found by the PRD fuzz)", () => {
  const prd = readFileSync(join(import.meta.dirname, "..", "..", "fixtures/prd/invoice-export.md"), "utf8");

  it("is parsed, not a RangeError from spreading the run into push()", () => {
    // Each is under the 2 MiB limit; before the fix parsePrd threw "Maximum call stack size exceeded"
    // (push(...items) fails from about 125,000 items with Node's default stack).
    const inputs = {
      goals: prd.replace("## Goals", `## Goals\n${"- g\n".repeat(140_000)}`),
      unknownField: prd.replace("**Priority:** high", `**Priority:** high\n**Bogus:**\n${"- x\n".repeat(140_000)}`),
      decisions: prd.replace("## Risks", `## Risks\n${"[NEEDS DECISION]".repeat(130_000)}`),
    };
    for (const [name, text] of Object.entries(inputs)) {
      let result: ReturnType<typeof parsePrd> | undefined;
      expect(() => (result = parsePrd(text, { file: `${name}.md` })), name).not.toThrow();
      expect(typeof result?.ok, name).toBe("boolean");
    }
    const unknown = parsePrd(inputs.unknownField, { file: "u.md" });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.errors).toEqual([expect.objectContaining({ message: 'Unknown field "Bogus" in task T001', line: 46 })]);
  });
});

describe("PRD content the state documents cannot hold (found by the PRD fuzz)", () => {
  const prd = readFileSync(join(import.meta.dirname, "..", "..", "fixtures/prd/invoice-export.md"), "utf8");
  const parse = (text: string) => parsePrd(text, { file: "big.md", stateLimits: true });
  const errorsOf = (text: string) => {
    const r = parse(text);
    return r.ok ? [] : r.errors.map((e) => ({ line: e.line, message: e.message }));
  };

  // Before: parsed fine, then `spec import` was refused with "refusing to write
  // tasks/a2/invoice-export.T001.yaml#/title: title must NOT have more than 500 characters",
  // which names no line of the PRD.
  it("is an error on the line to fix", () => {
    expect(errorsOf(prd.replace("# Project: Invoice export", `# Project: ${"p".repeat(600)}`))).toEqual([{ line: 1, message: "The title is 600 characters; the limit is 500" }]);
    expect(errorsOf(prd.replace("Invoice to CSV serializer", "t".repeat(501)))).toEqual([{ line: 43, message: "The title of task T001 is 501 characters; the limit is 500" }]);
    expect(errorsOf(prd.replace("Write a pure function", "w".repeat(20_001)))).toEqual([{ line: 43, message: expect.stringMatching(/^The text of task T001 is 20,0\d\d characters; the limit is 20,000$/) }]);
    expect(errorsOf(prd.replace("- Editing invoices", `- ${"e".repeat(4001)}`))).toEqual([{ line: 13, message: 'Item 1 of "## Non-Goals" is 4,001 characters; the limit is 4,000' }]);
    expect(errorsOf(prd.replace("## Goals\n", `## Goals\n${"- g\n".repeat(1000)}`))).toEqual([{ line: 7, message: '"## Goals" has 1,003 items; the limit is 1,000' }]);
    const deps = Array.from({ length: 201 }, (_, i) => `### T${i + 100}: t${i}`).join("\n");
    const ids = Array.from({ length: 201 }, (_, i) => `T${i + 100}`).join(", ");
    expect(errorsOf(`${prd}\n${deps}\n### T999: many\n**Dependencies:** ${ids}\n`)).toEqual([{ line: 99 + 201 + 1, message: "The Dependencies of task T999 has 201 items; the limit is 200" }]);
  });

  it("counts characters as the schema does: an emoji is one", () => {
    expect(errorsOf(prd.replace("Invoice to CSV serializer", "😀".repeat(500)))).toEqual([]);
    expect(errorsOf(prd.replace("Invoice to CSV serializer", "😀".repeat(501)))).toHaveLength(1);
  });

  it("without the option, the parser reads such a PRD as before", () => {
    expect(parsePrd(prd.replace("Invoice to CSV serializer", "t".repeat(501)), { file: "big.md" }).ok).toBe(true);
  });

  it("the limits are the schemas' limits", () => {
    const schema = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "schemas", `${name}.schema.json`), "utf8"));
    const task = schema("task");
    const spec = schema("spec");
    expect({
      title: [task.properties.title.maxLength, spec.properties.title.maxLength, spec.properties.features.items.properties.title.maxLength, spec.properties.notes.items.properties.heading.maxLength, spec.properties.decisions.items.properties.section.maxLength],
      item: [task.$defs.lines.items.maxLength, spec.$defs.lines.items.maxLength, spec.properties.requirements.items.properties.text.maxLength, spec.properties.openQuestions.items.properties.text.maxLength, spec.properties.decisions.items.properties.question.maxLength],
      text: [task.properties.intent.maxLength, spec.properties.features.items.properties.description.maxLength],
      prose: [spec.properties.summary.maxLength, spec.properties.notes.items.properties.text.maxLength],
      specItems: [spec.$defs.lines.maxItems, spec.properties.openQuestions.maxItems, spec.properties.decisions.maxItems, spec.properties.notes.maxItems],
      taskItems: [task.$defs.lines.maxItems],
      dependencies: [task.properties.dependencies.maxItems],
      collection: [spec.properties.requirements.maxItems, spec.properties.features.maxItems],
    }).toEqual({
      title: Array(5).fill(STATE_LIMITS.title),
      item: Array(5).fill(STATE_LIMITS.item),
      text: Array(2).fill(STATE_LIMITS.text),
      prose: Array(2).fill(STATE_LIMITS.prose),
      specItems: Array(4).fill(STATE_LIMITS.specItems),
      taskItems: [STATE_LIMITS.taskItems],
      dependencies: [STATE_LIMITS.dependencies],
      collection: Array(2).fill(STATE_LIMITS.collection),
    });
  });
});

describe("a PostToolUseFailure error with a long run of spaces after 'exit code' (found while fuzzing the hook payloads)", () => {
  const failure = (error: string) => parsePayload("claude", "PostToolUseFailure", JSON.stringify({ cwd: "/nonexistent", tool_name: "Bash", tool_input: { command: "x" }, error }));

  it("is read in linear time", () => {
    // Before the fix the exit-code pattern backtracked quadratically: about 30 s for these 100,000 spaces on a 2-core machine.
    const start = performance.now();
    expect(failure(`exit code${" ".repeat(100_000)}x`).exitCode).toBeNull();
    expect(performance.now() - start).toBeLessThan(1_000);
  });

  it("still reads every wording of the exit status", () => {
    expect(failure("Command exited with non-zero status code 1").exitCode).toBe(1);
    expect(failure("Exit code 127\nbash: line 1: pnpm: command not found").exitCode).toBe(127);
    expect(failure("exit status: 2").exitCode).toBe(2);
    expect(failure("exit code :  3").exitCode).toBe(3);
    expect(failure("exited with status\t4").exitCode).toBe(4);
    expect(failure("no status here").exitCode).toBeNull();
  });
});

describe("a document with tens of thousands of keys (found by the YAML documents fuzz)", () => {
  it("is read in linear time", () => {
    // 60,000 distinct keys, 790 KB: under the 1 MiB limit. Before the fix, the duplicate-key
    // check compared each key with every earlier one, and this took minutes.
    const text = Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join("\n");
    const start = performance.now();
    const value = parseYaml(text, { source: "many.yaml" }) as Record<string, number>;
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(Object.keys(value)).toHaveLength(60_000);
  });

  it("still refuses duplicate keys, at the line of the repeat, in document order", () => {
    const cases: Array<[string, number[]]> = [
      ["a: 1\nb: 2\na: 3\n", [3]],
      ["x: {a: 1, a: 2}\n", [1]],
      ["outer:\n  a: 1\n  b:\n    c: 1\n    c: 2\n  a: 3\n", [5, 6]],
      ["? \n: 1\n? \n: 2\n", [3]],
    ];
    for (const [text, lines] of cases) {
      const err = refusal(() => parseYaml(text, { source: "dup.yaml" }));
      expect(err.issues.map((i) => [i.line, i.message]), text).toEqual(lines.map((line) => [line, "Map keys must be unique"]));
    }
    // Among the parser's own errors, in document order.
    const mixed = refusal(() => parseYaml("a: 1\na: 2\nb: [\n", { source: "dup.yaml" }));
    expect(mixed.issues.map((i) => i.line)).toEqual([2, 4]);
    expect(mixed.message).toBe("invalid YAML in dup.yaml:2: Map keys must be unique");
    // Equal only when the same scalar value: a number and a string are two keys.
    expect(parseYaml("1: x\n'1': y\n", { source: "ok.yaml" })).toEqual({ 1: "y" });
  });
});

describe("canonical YAML of a string made of blank lines with spaces (found by the YAML documents fuzz)", () => {
  it("round-trips: the spaces are not taken for indentation", () => {
    // Before the fix, " \n" was written as a block scalar "|+" whose line of spaces read back as "\n".
    for (const s of [" \n", "  \n", " \n \n", "\n  \n", "\t \n"]) {
      for (const value of [{ a: s }, { a: { b: [s] } }, [s]]) {
        const emitted = toCanonicalYaml(value);
        const back = parseYaml(emitted, { source: "blank.yaml" });
        expect(back, JSON.stringify(emitted)).toEqual(value);
        expect(toCanonicalYaml(back)).toBe(emitted);
      }
    }
  });

  it("leaves multi-line strings with content as block scalars", () => {
    expect(toCanonicalYaml({ a: "x\n  \ny\n" })).toBe("a: |\n  x\n    \n  y\n");
  });
});
