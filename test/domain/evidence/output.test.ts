/**
 * What is kept of a command: the tail of its output, capped and scrubbed of secrets, the
 * command line scrubbed too, and when two spellings of a command count as the same one.
 */
import { describe, expect, it } from "vitest";
import { OUTPUT_TAIL_CHARS, outputTail, sameCommand, scrubCommand } from "../../../src/domain/evidence/output.js";
import { SECRETS } from "../scrub/samples/fake-secrets.js";

const GH = SECRETS.githubClassic;
const GH2 = SECRETS.githubFineGrained;

describe("outputTail", () => {
  it("keeps short output as it is", () => {
    expect(outputTail("")).toEqual({ tail: "", redactions: 0 });
    expect(outputTail("PASS test/export/csv.test.ts (3 tests)\n")).toEqual({ tail: "PASS test/export/csv.test.ts (3 tests)\n", redactions: 0 });
  });

  it("caps long output to its end: exactly the cap, with an ellipsis marking the cut", () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join("\n");
    const { tail } = outputTail(lines);
    expect(tail).toHaveLength(OUTPUT_TAIL_CHARS);
    expect(tail.startsWith("…")).toBe(true);
    expect(tail.endsWith("line 1999")).toBe(true);
    expect(lines.endsWith(tail.slice(1))).toBe(true);

    expect(outputTail("x".repeat(OUTPUT_TAIL_CHARS)).tail).toBe("x".repeat(OUTPUT_TAIL_CHARS));
    expect(outputTail("abcdefghij", 5).tail).toBe("…ghij");
  });

  it("redacts a GitHub token in the output and counts it", () => {
    const out = `remote: Using token ${GH}\nTo push, run: git push https://x-access-token:${GH2}@github.com/acme/shop.git\ndone\n`;
    const r = outputTail(out);
    expect(r.tail).not.toContain(GH);
    expect(r.tail).not.toContain(GH2);
    expect(r.tail).toContain("[REDACTED:");
    expect(r.tail).toContain("done\n");
    expect(r.redactions).toBeGreaterThanOrEqual(2);
  });

  it("scrubs before cutting, so a token straddling the cut leaves no fragment behind", () => {
    for (let shift = -30; shift <= 30; shift += 5) {
      const after = "\n" + "y".repeat(OUTPUT_TAIL_CHARS - 20 + shift);
      const out = "x".repeat(10_000) + ` token=${GH}` + after;
      const { tail } = outputTail(out);
      expect(tail).toHaveLength(OUTPUT_TAIL_CHARS);
      for (let i = 0; i + 8 <= GH.length; i++) expect(tail).not.toContain(GH.slice(i, i + 8));
    }
  });

  it("still finds a token at the end of output far larger than the scrub window", () => {
    const out = `${"0123456789abcdef\n".repeat(40_000)}export GITHUB_TOKEN=${GH}\n`;
    expect(out.length).toBeGreaterThan(512 * 1024);
    const r = outputTail(out);
    expect(r.tail).not.toContain(GH);
    expect(r.redactions).toBe(1);
    expect(r.tail).toHaveLength(OUTPUT_TAIL_CHARS);
  });

  it("counts nothing in ordinary test output full of hashes", () => {
    const out = `commit ${"d".repeat(40)}\nsha256 ${"e".repeat(64)}\nTests: 12 passed\n`;
    expect(outputTail(out)).toEqual({ tail: out, redactions: 0 });
  });
});

describe("scrubCommand", () => {
  it("redacts tokens passed as arguments, in env assignments and in URLs", () => {
    const cases = [
      `GITHUB_TOKEN=${GH} gh pr create --fill`,
      `gh auth login --with-token ${GH}`,
      `git push https://x-access-token:${GH}@github.com/acme/shop.git HEAD`,
      `curl -H "Authorization: token ${GH}" https://api.github.com/user`,
    ];
    for (const c of cases) {
      const s = scrubCommand(c);
      expect(s, c).not.toContain(GH);
      expect(s, c).toContain("[REDACTED:");
    }
    expect(scrubCommand(`git push https://x-access-token:${GH}@github.com/acme/shop.git HEAD`)).toMatch(/^git push https:\/\/x-access-token:\[REDACTED:[a-z-]+\]@github\.com\/acme\/shop\.git HEAD$/);
  });

  it("leaves ordinary commands alone", () => {
    for (const c of ["npm test -- csv", "grep -q ready src/export/csv.ts", "git log --format=%H -1", "sh -c 'exit 7'"]) expect(scrubCommand(c)).toBe(c);
  });
});

describe("sameCommand", () => {
  const table: Array<[string, string, boolean]> = [
    ["npm test -- csv", "npm test -- csv", true],
    ["npm test -- csv", "npm  test --   csv", true],
    ["  npm test -- csv\n", "npm test -- csv", true],
    ["npm test -- csv", "npm\ttest -- csv", true],
    ["`npm test -- csv`", "npm test -- csv", true],
    ["npm test -- csv", "npm test -- pdf", false],
    ["npm test -- csv", "npm test", false],
    ["npm test", "npm run test", false],
    ["npm test -- csv", "NPM TEST -- CSV", false],
    ["'npm test -- csv'", "npm test -- csv", false],
  ];
  it.each(table)("%j vs %j -> %s", (a, b, same) => {
    expect(sameCommand(a, b)).toBe(same);
    expect(sameCommand(b, a)).toBe(same);
  });
});
