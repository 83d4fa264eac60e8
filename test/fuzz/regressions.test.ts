/**
 * Bugs the fuzz suites found, each pinned by the smallest input that showed it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parsePrd } from "../../src/domain/prd/index.js";
import { ValidationError } from "../../src/errors.js";
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

describe("deeply nested YAML (found by yaml-docs.fuzz)", () => {
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

describe("canonical YAML of a key or value starting with U+FEFF (found by yaml-docs.fuzz)", () => {
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

describe("a PRD with 100,000+ bullets in one run (found by prd.fuzz)", () => {
  const prd = readFileSync(join(import.meta.dirname, "..", "..", "fixtures/prd/invoice-export.md"), "utf8");

  it("is parsed, not a RangeError from spreading the run into push()", () => {
    // Each is under the 2 MiB limit; before the fix parsePrd threw "Maximum call stack size exceeded".
    const inputs = {
      goals: prd.replace("## Goals", `## Goals\n${"- g\n".repeat(300_000)}`),
      unknownField: prd.replace("**Priority:** high", `**Priority:** high\n**Bogus:**\n${"- x\n".repeat(300_000)}`),
      decisions: prd.replace("## Risks", `## Risks\n${"[NEEDS DECISION]".repeat(120_000)}`),
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
