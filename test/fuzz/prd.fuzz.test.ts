/**
 * Fuzzing the PRD parser with mutated real PRDs: whatever the input, parsePrd returns (in
 * time) either a spec that keeps the parser's guarantees, or errors that each name the file
 * and a line of it; and `spec import` on a real repository either leaves the state ref where
 * it was, with a coded error pointing into the PRD, or moves it to a valid state.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CATALOG, PlanrefError } from "../../src/errors.js";
import { parsePrd, type PrdParseOptions, type PrdParseResult } from "../../src/domain/prd/index.js";
import { openProject } from "../../src/runtime/open-project.js";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { Sandbox } from "./sandbox.js";
import { gitOut, Mutant, mutated, nastyString, params, preview, runs, stateIssues, tipOf, TIMEOUT } from "./support.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FILE = "fuzz.md";

function readSeeds(dir: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith(".md")).sort()) {
    out[`${prefix}${name}`] = readFileSync(join(ROOT, dir, name), "utf8");
  }
  return out;
}

/** The shipped example, the end-to-end fixtures, and the grammar fixtures (errors included). */
const SEEDS: Record<string, string> = {
  ...readSeeds("fixtures/prd", ""),
  ...readSeeds("test/fixtures/prd", "test/"),
  ...readSeeds("test/domain/prd/fixtures", "grammar/"),
};
const MAIN_SEED = { "invoice-export.md": SEEDS["invoice-export.md"] as string };

/** Lines that reach the grammar's corners: headings, ids of every shape, fields, fences, comments. */
const PRD_LINES = [
  "# Project: Fuzzed",
  "# ",
  "#",
  "## Summary",
  "## Goals",
  "## goals:",
  "## 2. Requirements",
  "## Non-Goals",
  "## Out of Scope",
  "## Requirements",
  "## Acceptance Criteria",
  "## Risks",
  "## Open Questions",
  "## Features",
  "## Tasks",
  "## Tasks ##",
  "## Appendix",
  "### T001: Again",
  "### T006: New task",
  "### T001.1: Subtask",
  "### T009.1: Orphan subtask",
  "#### T002.1: Nested subtask",
  "### F001: Feature again",
  "### F003: New feature",
  "### R2D2 droid",
  "### T1x: bad id",
  "### F001: wrong kind in tasks",
  "### T" + "9".repeat(70) + ": long id",
  "### T٣: arabic digit",
  "### T001",
  "### ",
  "### Untitled block",
  "#### Deep heading without id",
  "**Feature:** F001",
  "**Feature:** F009",
  "**Feature:** F001, F002",
  "**Feature:**",
  "**Priority:** critical",
  "**Priority:** urgent",
  "**Priority:**",
  "**Dependencies:** T001, T002",
  "**Dependencies:** T005",
  "**Dependencies:** T003; T004",
  "**Dependencies:** ../../etc/passwd",
  "**Dependencies:** T001 T002",
  "**Depends on:** none",
  "**Likely files:** `src/{a,b}.ts`, src/**/*.test.ts",
  "**Scope:** src/`x`",
  "**Acceptance criteria:**",
  "**Verification:**",
  "- `npm test -- x`",
  "- ``a` && `b``",
  "**Required evidence:**",
  "**Manual steps:**",
  "**Non-goals:**",
  "**Intent:** do it",
  "**Description:** describe it",
  "**Requirements:** R001, R009",
  "**Bogus field:** x",
  "**Feature**: F002",
  "**",
  "- R001: duplicated requirement",
  "- R005: new requirement",
  "- **R006:** bold id",
  "- R7",
  "- F001: wrong kind",
  "- [ ] checkbox item",
  "- none",
  "* star bullet",
  "1. numbered",
  "12) numbered paren",
  "  wrapped continuation",
  "    indented code?",
  "plain paragraph",
  "",
  "",
  "```",
  "```ts",
  "~~~",
  "````",
  "``` inline ``` code",
  "<!--",
  "-->",
  "<!-- a comment -->",
  "text <!-- open",
  "[NEEDS DECISION]",
  "- [NEEDS DECISION: who decides?]",
  "[NEEDS DECISION: unclosed",
  "---",
  "***",
  "Setext heading",
  "===",
  "\0",
  "\uFEFF# Project: BOM inside",
  "\u2028",
  "# Project: 😀 \uD800 lone surrogate",
];

const injections = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PRD_LINES) },
  // A line of another seed, so that real blocks get moved across files.
  { weight: 2, arbitrary: fc.constantFrom(...Object.values(SEEDS).flatMap((s) => s.split("\n"))) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("# ", "## ", "### ", "- ", "**X:** ", "", "    "), nastyString(30)).map(([a, b]) => a + b) },
);

const mutatedPrd = mutated(SEEDS, injections, { hugeMax: 100_000 });

// ---- the invariants ----

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function lineCount(text: string): number {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (body === "") return 0;
  const lines = body.split(/\r\n|\r|\n/);
  return lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
}

function assertDag(tasks: readonly { id: string; dependencies: readonly string[] }[]): void {
  const deps = new Map(tasks.map((t) => [t.id, t.dependencies]));
  const state = new Map<string, "visiting" | "done">();
  for (const root of deps.keys()) {
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    if (state.has(root)) continue;
    state.set(root, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; next: number };
      const dep = (deps.get(top.id) ?? [])[top.next++];
      if (dep === undefined) {
        state.set(top.id, "done");
        stack.pop();
        continue;
      }
      if (state.get(dep) === "visiting") throw new Error(`dependency cycle through ${dep}`);
      if (!state.has(dep)) {
        state.set(dep, "visiting");
        stack.push({ id: dep, next: 0 });
      }
    }
  }
}

/**
 * What parsePrd guarantees (src/domain/prd/parse.ts and prd-format.md), checked on any input.
 * Violations are collected and asserted once: a result can hold 100,000 issues.
 */
function checkResult(text: string, result: PrdParseResult): void {
  const problems: string[] = [];
  const check = (ok: boolean, what: () => string) => {
    if (!ok && problems.length < 20) problems.push(what());
  };
  const lines = lineCount(text);
  const maxLine = Math.max(1, lines);
  const inRange = (line: number | undefined, what: () => string) =>
    check(line !== undefined && Number.isInteger(line) && line >= 1 && line <= maxLine, () => `${what()}: line ${line} outside 1..${maxLine}`);

  const issues = result.ok ? result.warnings : [...result.errors, ...result.warnings];
  for (const issue of issues) {
    check(issue.path === FILE, () => `issue path ${issue.path}`);
    inRange(issue.line, () => `issue "${issue.message}"`);
    check(issue.message.trim() !== "", () => "empty message");
    check((issue.hint ?? "").trim() !== "", () => `no hint for "${issue.message}"`);
    // "first used on line N", "opened on line N": every line a message names exists.
    for (const m of issue.message.matchAll(/\bline (\d+)/g)) check(Number(m[1]) <= maxLine, () => `"${issue.message}" names a line past the end`);
  }
  check(result.warnings.every((w) => w.severity === "warning"), () => "a warning without severity warning");
  if (!result.ok) {
    check(result.errors.length > 0, () => "not ok, but no errors");
    check(result.errors.every((e) => e.severity === "error"), () => "an error without severity error");
    expect(problems, preview(text)).toEqual([]);
    return;
  }
  const { prd } = result;
  check(prd.sourceLines === lines, () => `sourceLines ${prd.sourceLines}, not ${lines}`);
  check(prd.title.trim() !== "", () => "empty title");
  check(prd.summary.trim() !== "", () => "empty summary");
  check(prd.goals.length > 0, () => "no goals");
  check(prd.requirements.length > 0, () => "no requirements");

  const unique = (ids: string[], what: string) => check(new Set(ids).size === ids.length, () => `${what} ids are not unique`);
  unique(prd.requirements.map((r) => r.id), "requirement");
  unique(prd.features.map((f) => f.id), "feature");
  unique(prd.tasks.map((t) => t.id), "task");
  const safe = (id: string) => SAFE_ID.test(id) && !id.includes("..") && id.length <= 64;

  const requirementIds = new Set(prd.requirements.map((r) => r.id));
  const featureIds = new Set(prd.features.map((f) => f.id));
  const taskIds = new Set(prd.tasks.map((t) => t.id));
  for (const r of prd.requirements) {
    check(safe(r.id), () => `requirement id ${r.id}`);
    check(r.text.trim() !== "", () => `requirement ${r.id} has no text`);
    inRange(r.line, () => `requirement ${r.id}`);
  }
  for (const f of prd.features) {
    check(safe(f.id), () => `feature id ${f.id}`);
    check(f.title.trim() !== "", () => `feature ${f.id} has no title`);
    inRange(f.line, () => `feature ${f.id}`);
    for (const r of f.requirements) check(requirementIds.has(r), () => `feature ${f.id} -> unknown requirement ${r}`);
  }
  for (const t of prd.tasks) {
    check(safe(t.id), () => `task id ${t.id}`);
    check(t.title.trim() !== "", () => `task ${t.id} has no title`);
    check(["low", "medium", "high", "critical"].includes(t.priority), () => `task ${t.id} priority ${t.priority}`);
    inRange(t.line, () => `task ${t.id}`);
    if (t.feature !== null) check(featureIds.has(t.feature), () => `task ${t.id} -> unknown feature ${t.feature}`);
    if (t.parent !== null) check(taskIds.has(t.parent) && t.id.startsWith(`${t.parent}.`), () => `task ${t.id} -> parent ${t.parent}`);
    check(new Set(t.dependencies).size === t.dependencies.length, () => `task ${t.id} repeats a dependency`);
    for (const d of t.dependencies) check(d !== t.id && taskIds.has(d), () => `task ${t.id} -> dependency ${d}`);
    for (const f of t.scope) check(!f.includes("`"), () => `task ${t.id} scope ${f} keeps a backtick`);
  }
  try {
    assertDag(prd.tasks);
  } catch (e) {
    check(false, () => (e as Error).message);
  }
  for (const q of prd.openQuestions) inRange(q.line, () => "open question");
  for (const d of prd.decisions) inRange(d.line, () => "decision");
  for (const n of prd.notes) inRange(n.line, () => `note ${n.heading}`);
  expect(problems, preview(text)).toEqual([]);
}

// ---- the parser ----

describe("fuzz: parsePrd on mutated PRDs", () => {
  const sandbox = new Sandbox<[string, PrdParseOptions], PrdParseResult>("../../src/domain/prd/index.ts", "parsePrd", 10_000);
  afterAll(() => sandbox.close());

  async function parsed(text: string, stateLimits = false): Promise<PrdParseResult> {
    const outcome = await sandbox.run(text, { file: FILE, stateLimits });
    if ("thrown" in outcome) throw new Error(`parsePrd threw ${outcome.thrown.name}: ${outcome.thrown.message}\n${outcome.thrown.stack}`);
    return outcome.value;
  }

  it("returns in time, never throws, and every result keeps the parser's guarantees", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(mutatedPrd, async (m) => {
        const result = await parsed(m.text);
        checkResult(m.text, result);
        if (result.ok) accepted++;
        // Checking the state's limits only adds errors: every other error stays, and an accepted PRD reads the same.
        const limited = await parsed(m.text, true);
        checkResult(m.text, limited);
        if (!result.ok) expect(limited.ok ? [] : limited.errors).toEqual(expect.arrayContaining(result.errors));
        else if (limited.ok) expect(limited).toEqual(result);
        else expect(limited.errors.every((e) => /the limit is/.test(e.message)), JSON.stringify(limited.errors).slice(0, 300)).toBe(true);
      }),
      params(200),
    );
    // Mutations of valid PRDs are often still valid: the accepted path must be exercised too.
    expect(accepted).toBeGreaterThan(0);
  }, TIMEOUT);

  it("is deterministic, and line endings or a byte order mark change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(mutated(SEEDS, injections, { max: 3, hugeMax: 5_000 }), async (m) => {
        const text = m.text.replace(/\r/g, "").replace(/^\uFEFF/, "");
        const lf = await parsed(text);
        expect(await parsed(text)).toEqual(lf);
        expect(await parsed(text.replace(/\n/g, "\r\n"))).toEqual(lf);
        expect(await parsed(`\uFEFF${text}`)).toEqual(lf);
      }),
      params(100),
    );
  }, TIMEOUT);

  it("a wall of 130,000+ short lines under the size limit is parsed like any other input", async () => {
    // Short lines, so that this many fit in 2 MiB: runs of bullets, headings, fields or markers.
    const SHORT = ["- a", "* b", "1. c", "- R9: r", "- [NEEDS DECISION]", "[NEEDS DECISION]", "**Bogus:** x", "**Verification:**", "x", "", "---", "```", "<!-- c -->"];
    // Right under a heading or a field line, where a list or a block begins.
    const starts = (text: string) => text.split("\n").flatMap((line, i) => (/^(#|\*\*)/.test(line) ? [i + 1] : []));
    const wall = fc
      .tuple(
        fc.constantFrom(...Object.keys(SEEDS)).chain((seed) => fc.tuple(fc.constant(seed), fc.constantFrom(...starts(SEEDS[seed] as string), 0))),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom("- a", "* b", "1. c", "- R9: r") }, { weight: 2, arbitrary: fc.constantFrom(...SHORT) }),
        fc.integer({ min: 130_000, max: 160_000 }),
      )
      .map(([[seed, index], line, count]) => {
        const source = SEEDS[seed] as string;
        const at = (index + 0.5) / source.split("\n").length;
        return new Mutant(seed, source, [{ op: "repeat", at, line, count: Math.min(count, Math.floor(2_000_000 / (line.length + 1))) }]);
      });
    await fc.assert(
      fc.asyncProperty(wall, async (m) => {
        checkResult(m.text, await parsed(m.text));
      }),
      params(2),
    );
  }, TIMEOUT);

  it("a huge input over the size limit is refused with one error on line 1, quickly", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("x", "é", "😀", "\n", "- a\n", "### T1: a\n", "[NEEDS DECISION]"), async (unit) => {
        const seed = SEEDS["invoice-export.md"] as string;
        const text = seed + unit.repeat(Math.ceil((2 * 1024 * 1024) / unit.length));
        const result = await parsed(text);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors).toEqual([expect.objectContaining({ path: FILE, line: 1, message: expect.stringContaining("larger than the limit") })]);
      }),
      params(7),
    );
  }, TIMEOUT);
});

// ---- spec import on a real repository ----

function issuesOf(e: unknown): Array<{ path?: string; line?: number; severity?: string; message: string }> {
  return ((e as PlanrefError<{ issues?: [] }>).data?.issues ?? []) as Array<{ path?: string; line?: number; severity?: string; message: string }>;
}

/**
 * The import's own parse does not check STATE_LIMITS yet (src/app/spec-import.ts calls parsePrd
 * without `stateLimits`), so a PRD too big in one place is refused when its documents are
 * written, naming a state document. Such a refusal is tolerated only when the parser, asked to
 * check the limits, reports that PRD on a line: any other refusal of that kind is a new bug.
 */
function explainedByLimits(text: string): boolean {
  const r = parsePrd(text, { file: FILE, stateLimits: true });
  return !r.ok && r.errors.every((e) => e.path === FILE && (e.line ?? 0) >= 1);
}

/** A refused import: a coded error that points into the PRD (file and line), and the ref did not move. */
function checkRefusal(e: unknown, text: string, before: string | null, after: string | null): void {
  expect(e, String(e)).toBeInstanceOf(PlanrefError);
  const err = e as PlanrefError;
  expect(Object.keys(ERROR_CATALOG)).toContain(err.code);
  expect(err.code, `${err.code}: ${err.message}`).toBe("VALIDATION_FAILED");
  expect(after, "a refused import leaves the ref alone").toBe(before);
  const errors = issuesOf(err).filter((i) => i.severity !== "warning");
  expect(errors.length, err.message).toBeGreaterThan(0);
  if (err.message.startsWith("refusing to write ")) {
    expect(explainedByLimits(text), `${err.message}\nin ${preview(text)}`).toBe(true);
    return;
  }
  for (const issue of errors) {
    expect({ path: issue.path, message: issue.message }, `${err.message}\nin ${preview(text)}`).toMatchObject({ path: FILE });
    expect(issue.line, issue.message).toBeGreaterThanOrEqual(1);
    expect(issue.line, issue.message).toBeLessThanOrEqual(Math.max(1, lineCount(text)));
  }
  expect(err.message).toMatch(new RegExp(`^${FILE}:\\d+: `));
}

/** An accepted import: the ref moved by one commit (or not at all) to a state whose every document is valid. */
function checkAccepted(repo: TempRepo, text: string, before: string | null, after: string | null): void {
  if (after === before) return;
  expect(after).not.toBeNull();
  const parents = gitOut(repo, ["rev-list", "--parents", "-n", "1", after as string]).toString("utf8").trim().split(" ").slice(1);
  expect(parents).toEqual(before ? [before] : []);
  expect(stateIssues(repo, after as string), preview(text)).toEqual([]);
}

describe("fuzz: spec import of mutated PRDs on a real repository", () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = makeRepo();
    const p = openProject({ cwd: repo.dir, env: repo.env, actor: "fuzz" });
    try {
      await p.init({});
    } finally {
      await p.close();
    }
  });
  afterAll(cleanupAll);

  it("in-process: the ref stays put with an error naming a PRD line, or moves to a valid state", async () => {
    const counts = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(SEEDS, injections, { max: 4, hugeMax: 60_000 }), mutated(MAIN_SEED, injections, { max: 2, hugeMax: 60_000 })), async (m) => {
        const before = tipOf(repo);
        const p = openProject({ cwd: repo.dir, env: repo.env, actor: "fuzz" });
        let error: unknown = null;
        try {
          await p.importSpec({ file: FILE, text: m.text });
        } catch (e) {
          error = e;
        } finally {
          await p.close();
        }
        const after = tipOf(repo);
        if (error) {
          counts.refused++;
          checkRefusal(error, m.text, before, after);
        } else {
          counts.accepted++;
          checkAccepted(repo, m.text, before, after);
        }
      }),
      params(30),
    );
    expect(counts.accepted + counts.refused).toBe(runs(30));
    // Both outcomes must be exercised, or the property says little.
    expect(counts, "accepted and refused imports").toEqual({ accepted: expect.any(Number), refused: expect.any(Number) });
    expect(Math.min(counts.accepted, counts.refused), JSON.stringify(counts)).toBeGreaterThan(0);
  }, TIMEOUT);

  it("through the built binary: exit 0 and a valid state, or exit 5 with the PRD line, never a crash", async () => {
    const file = join(repo.dir, FILE);
    await fc.assert(
      fc.asyncProperty(mutated(MAIN_SEED, injections, { max: 3, hugeMax: 60_000 }), async (m) => {
        writeFileSync(file, m.text);
        const before = tipOf(repo);
        const res = await planref(["spec", "import", FILE, "--json"], { cwd: repo.dir, env: repo.env });
        const after = tipOf(repo);
        expect(res.json, res.stderr).not.toBeNull();
        if (res.code === 0) {
          expect(res.json?.ok).toBe(true);
          checkAccepted(repo, m.text, before, after);
        } else {
          expect({ code: res.code, error: res.json?.error?.code }, `${res.stdout}${res.stderr}`).toEqual({ code: 5, error: "VALIDATION_FAILED" });
          const message = res.json?.error?.message ?? "";
          if (message.startsWith("refusing to write ")) expect(explainedByLimits(m.text), message).toBe(true);
          else expect(message).toMatch(new RegExp(`^${FILE}:\\d+: `));
          expect(after).toBe(before);
        }
      }),
      params(4),
    );
  }, TIMEOUT);
});
