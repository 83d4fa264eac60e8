import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_PRD_BYTES, parsePrd } from "../../../src/domain/prd/index.js";

const minimal = readFileSync(new URL("./fixtures/minimal.md", import.meta.url), "utf8");

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

/** A realistic large PRD: every task has fields, bullets and a dependency on the one before. */
function bigPrd(tasks: number): string {
  const blocks: string[] = [];
  for (let i = 1; i <= tasks; i++) {
    const id = `T${String(i).padStart(4, "0")}`;
    blocks.push(
      [
        `### ${id}: Task number ${i}`,
        "**Feature:** F001",
        `**Priority:** ${["low", "medium", "high", "critical"][i % 4]}`,
        i > 1 ? `**Dependencies:** T${String(i - 1).padStart(4, "0")}` : "",
        `**Likely files:** src/mod${i}/a.ts, \`src/mod${i}/**/*.test.ts\``,
        "**Acceptance criteria:**",
        "- The first criterion, long enough that it",
        "  wraps onto a second line",
        "- The second criterion",
        "**Verification:**",
        `- \`npm test -- mod${i}\``,
        "Intent of the task, in a sentence or two.",
        "",
      ].join("\n"),
    );
  }
  return `${minimal}\n## Features\n\n### F001: Everything\n**Requirements:** R001\n\n## Tasks\n\n${blocks.join("\n")}`;
}

describe("size limit", () => {
  it("refuses input over 2 MiB by default with an error issue, not a crash", () => {
    const text = minimal + "x".repeat(DEFAULT_MAX_PRD_BYTES);
    const result = parsePrd(text, { file: "huge.md" });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          message: `The PRD is larger than the limit of ${DEFAULT_MAX_PRD_BYTES} bytes`,
          path: "huge.md",
          line: 1,
          hint: "Split it into several PRDs (a project may hold several specs).",
          severity: "error",
        },
      ],
      warnings: [],
    });
  });

  it("counts UTF-8 bytes, not characters, and accepts input exactly at the limit", () => {
    const bytes = new TextEncoder().encode(minimal).length;
    expect(parsePrd(minimal, { file: "m.md", maxBytes: bytes }).ok).toBe(true);
    expect(parsePrd(minimal, { file: "m.md", maxBytes: bytes - 1 }).ok).toBe(false);
    const accented = `${minimal}\n${"é".repeat(500)}😀`;
    const size = new TextEncoder().encode(accented).length;
    expect(accented.length).toBeLessThan(size - 500);
    expect(parsePrd(accented, { file: "m.md", maxBytes: size }).ok).toBe(true);
    const over = parsePrd(accented, { file: "m.md", maxBytes: size - 1 });
    expect(over.ok === false && over.errors[0]?.message).toBe(`The PRD is larger than the limit of ${size - 1} bytes`);
  });
});

describe("performance", () => {
  // Its speed is measured by npm run bench (spec import of a 2,000-task PRD), not here.
  it("parses a 2,000-task PRD whole, the last task included", () => {
    const value = parsePrd(bigPrd(2000), { file: "big.md" });
    expect(value.ok).toBe(true);
    expect(value.ok && value.prd.tasks).toHaveLength(2000);
    expect(value.ok && value.prd.tasks[1999]).toMatchObject({
      dependencies: ["T1999"],
      scope: ["src/mod2000/a.ts", "src/mod2000/**/*.test.ts"],
      verification: ["npm test -- mod2000"],
    });
  });

  it("finds a cycle through a 20,000-task dependency chain without overflowing the stack", () => {
    const n = 20000;
    const blocks: string[] = [];
    for (let i = 1; i <= n; i++) blocks.push(`### T${i}: Step ${i}\n**Dependencies:** T${i === n ? 1 : i + 1}\n`);
    const result = parsePrd(`${minimal}\n## Tasks\n\n${blocks.join("\n")}`, { file: "chain.md" });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message.startsWith("Dependency cycle: T1 -> T2 -> T3 -> ")).toBe(true);
    expect(errors[0]?.message.endsWith(` -> T${n} -> T1`)).toBe(true);
  });

  const long = 100_000;
  const pathological: [string, string][] = [
    ["plain text", "a".repeat(long)],
    ["asterisks", "*".repeat(long)],
    ["bold opener and colons", `**${":".repeat(long)}`],
    ["backticks", "`".repeat(long)],
    ["tildes", "~".repeat(long)],
    ["hashes", "#".repeat(long)],
    ["heading of hashes", `## ${"# ".repeat(long / 2)}`],
    ["comment openers", "<!--".repeat(long / 4)],
    ["comment closers", "-->".repeat(long / 3)],
    ["decision markers", "[NEEDS DECISION".repeat(long / 15)],
    ["decision markers with colons", "[NEEDS DECISION:".repeat(long / 16)],
    ["dotted id", `T1${".1".repeat(long / 2)}: title`],
    ["digits", `T${"1".repeat(long)}x: title`],
    ["numbered heading", `## ${"1.".repeat(long / 2)}x`],
    ["commas and braces", `**Likely files:** ${"{a,".repeat(long / 3)}`],
    ["brackets", "[".repeat(long)],
    ["dashes and spaces", "- ".repeat(long / 2)],
    ["decoration", `- ${")".repeat(long)}x`],
  ];

  it.each(pathological)("does not hang on a 100k-character line of %s", (_name, line) => {
    const placements = [
      `${line}\n${minimal}`,
      minimal.replace("## Goals", `${line}\n\n## Goals`),
      minimal.replace("- Import cleanly", `- Import cleanly\n${line}`),
      `${minimal}\n## Tasks\n\n### T001: Task\n${line}\n**Verification:**\n- x\n  ${line}\n`,
      `${minimal}\n## Tasks\n\n### ${line}\n`,
    ];
    for (const text of placements) {
      const { value, ms } = timed(() => parsePrd(text, { file: "p.md" }));
      expect(value.ok === true || value.errors.length > 0).toBe(true);
      expect(ms).toBeLessThan(500);
    }
  });
});
