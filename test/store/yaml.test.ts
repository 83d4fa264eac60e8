import { describe, expect, it } from "vitest";
import { parseYaml, toCanonicalYaml } from "../../src/store/yaml.js";

describe("canonical YAML", () => {
  // Golden bytes: a formatting change in the yaml package must show up here, not in users' diffs.
  it("writes sorted keys, no folding, no anchors, YAML 1.1-safe quoting", () => {
    const shared = { k: 1 };
    const value = {
      zeta: "yes",
      alpha: ["on", "off", "2024-01-01", "0123", "null", "", "x: y", "#not a comment"],
      long: "word ".repeat(40).trim(),
      multi: "line one\nline two",
      nested: { b: 2, a: null, c: true },
      twice: [shared, shared],
    };
    expect(toCanonicalYaml(value)).toBe(
      [
        "alpha:",
        '  - "on"',
        '  - "off"',
        '  - "2024-01-01"',
        '  - "0123"',
        '  - "null"',
        '  - ""',
        '  - "x: y"',
        '  - "#not a comment"',
        `long: ${"word ".repeat(40).trim()}`,
        "multi: |-",
        "  line one",
        "  line two",
        "nested:",
        "  a: null",
        "  b: 2",
        "  c: true",
        "twice:",
        "  - k: 1",
        "  - k: 1",
        'zeta: "yes"',
        "",
      ].join("\n"),
    );
  });

  it("round-trips and is stable across runs", () => {
    const value = { b: [1, 2, { c: "d" }], a: "é ü 中文", n: -1.5 };
    const once = toCanonicalYaml(value);
    expect(parseYaml(once, { source: "x" })).toEqual(value);
    expect(toCanonicalYaml(parseYaml(once, { source: "x" }))).toBe(once);
  });
});

describe("parsing untrusted YAML", () => {
  const bad = (text: string, opts: { maxBytes?: number } = {}) => {
    try {
      parseYaml(text, { source: "tasks/ab/T1.yaml", commit: "c0ffee", ...opts });
    } catch (e) {
      return e as { code: string; message: string; data: { issues: Array<{ path: string; line?: number; commit?: string; message: string }> } };
    }
    throw new Error("expected a failure");
  };

  it("rejects an alias bomb without expanding it", () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]`)].join("\n");
    const e = bad(bomb);
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.data.issues[0]).toMatchObject({ path: "tasks/ab/T1.yaml", commit: "c0ffee", line: 1, message: expect.stringMatching(/anchors and aliases/) });
  });

  it("rejects duplicate keys with their line", () => {
    expect(bad("a: 1\nb: 2\na: 3\n").data.issues[0]).toMatchObject({ line: 3, message: expect.stringMatching(/unique/) });
  });

  it("rejects explicit and custom tags", () => {
    expect(bad("a: !!binary aGVsbG8=\n").data.issues[0]?.message).toMatch(/tag/);
    expect(bad("a: !js/function 'x'\n").data.issues.some((i) => /tag/.test(i.message))).toBe(true);
  });

  it("rejects oversized documents before parsing", () => {
    const e = bad(`a: "${"x".repeat(2000)}"\n`, { maxBytes: 1000 });
    expect(e.message).toMatch(/limit is 1000/);
  });

  it("reports syntax errors with a line", () => {
    expect(bad("a:\n  - [1, 2\nb: 3\n").data.issues[0]?.line).toBeGreaterThan(0);
  });
});
