import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/errors.js";
import {
  computeAllScores,
  computeScores,
  riskCategories,
  SCORE_DIMENSIONS,
} from "../../../src/domain/planning/index.js";
import type { PlanTask, ScoreDimension } from "../../../src/domain/planning/index.js";
import { tokenize } from "../../../src/domain/planning/scores.js";
import { planArb, shuffledArb, task } from "./planning-support.js";

type Expected = Record<ScoreDimension, number>;

const tiny = task("A", { scope: ["src/a/x.ts"] });
const big = task("B", {
  title: "Rework the pipeline",
  intent: "x".repeat(1991),
  acceptanceCriteria: Array.from({ length: 9 }, () => "c"),
  verification: ["make check", "make e2e"],
  dependencies: ["X", "Y", "Z"],
  scope: ["src/a/**", "src/b/**", "lib/**", "docs/x.md", "docs/y.md", "src/a/one.ts", "src/a/two.ts", "tools/run.sh"],
});
const risky = task("R", {
  title: "Rotate session keys",
  intent: "Encrypt the session store with the new keys.",
  acceptanceCriteria: ["old sessions still decrypt"],
  verification: [],
  manualSteps: ["rotate keys in the vault"],
  scope: ["src/auth/**"],
});
const testsOnly = task("T", {
  intent: "Add tests for the parser.",
  scope: ["test/**/*.test.ts", "src/__tests__/a.ts"],
});
const noScope = task("N", { scope: [] });
const migration = task("M", {
  title: "Users table",
  intent: "Migrate the users table schema.",
  scope: ["db/migrations/*.sql"],
});
const migrationPlan = [
  migration,
  task("P", { dependencies: ["M"] }),
  task("Q", { dependencies: ["P"] }),
  task("S", { dependencies: ["Q"] }),
];

describe("computeScores: the documented formula on representative tasks", () => {
  const cases: { name: string; task: PlanTask; plan: PlanTask[]; expected: Expected }[] = [
    {
      name: "a one-file task",
      task: tiny,
      plan: [tiny],
      expected: { complexity: 1, parallelizability: 5, contextLoad: 1, blastRadius: 1, reviewRisk: 1, agentSuitability: 5 },
    },
    {
      name: "a broad, long task with many criteria and dependencies",
      task: big,
      plan: [big],
      expected: { complexity: 5, parallelizability: 1, contextLoad: 5, blastRadius: 3, reviewRisk: 2, agentSuitability: 3 },
    },
    {
      name: "an auth/crypto task without verification and with a manual step",
      task: risky,
      plan: [risky],
      expected: { complexity: 2, parallelizability: 5, contextLoad: 1, blastRadius: 1, reviewRisk: 5, agentSuitability: 1 },
    },
    {
      name: "a task touching only tests",
      task: testsOnly,
      plan: [testsOnly],
      expected: { complexity: 2, parallelizability: 4, contextLoad: 2, blastRadius: 1, reviewRisk: 1, agentSuitability: 5 },
    },
    {
      name: "a task with no declared scope",
      task: noScope,
      plan: [noScope],
      expected: { complexity: 1, parallelizability: 2, contextLoad: 1, blastRadius: 2, reviewRisk: 1, agentSuitability: 5 },
    },
    {
      name: "a schema migration three tasks wait on",
      task: migration,
      plan: migrationPlan,
      expected: { complexity: 2, parallelizability: 4, contextLoad: 1, blastRadius: 4, reviewRisk: 3, agentSuitability: 4 },
    },
  ];

  it.each(cases)("scores $name", ({ task: t, plan, expected }) => {
    const scores = computeScores(t, plan);
    const values = Object.fromEntries(SCORE_DIMENSIONS.map((d) => [d, scores[d].value]));
    expect(values).toEqual(expected);
    for (const d of SCORE_DIMENSIONS) expect(scores[d].source).toBe("computed");
  });

  it.each([
    ["an empty scope", noScope, "parallelizability", "no scope declared, so overlap cannot be ruled out"],
    ["risk keywords", risky, "reviewRisk", "risk areas: auth, crypto; no verification command; 1 manual step"],
    ["test-only scope", testsOnly, "blastRadius", "scope of 2 globs, 1 recursive in 2 directories; tests only; nothing depends on it"],
    ["manual steps", risky, "agentSuitability", "no verification command; 1 acceptance criterion; 1 manual step; risk areas: auth, crypto"],
  ] as const)("explains %s in one line", (_, t, dim, reason) => {
    expect(computeScores(t, [t])[dim].reason).toBe(reason);
  });

  it("counts what a task unblocks from the plan", () => {
    expect(computeScores(migration, migrationPlan).blastRadius.reason).toContain("unblocks 3 tasks");
    expect(computeScores(migration, [migration]).blastRadius.value).toBe(3);
  });
});

describe("riskCategories", () => {
  it.each([
    ["Refactor the author list", []],
    ["Fix OAuth login", ["auth"]],
    ["handleUserDeletion()", ["delete"]],
    ["Keep the public API stable", ["public API"]],
    ["no breaking changes for clients", ["public API"]],
    ["parallel render of pages", []],
    ["CAS on the ref with a lock", ["concurrency"]],
    ["db/migrations/0001_init.sql", ["migration"]],
    ["Sanitize input against XSS", ["security"]],
    ["payment refunds", ["payment"]],
    ["TLS certificate rotation", ["crypto"]],
    ["DROP TABLE users", ["delete"]],
    ["alter the Schema", ["schema"]],
    ["Добавить тесты для парсера", []],
    ["purge expired sessions and decrypt the backup", ["auth", "delete", "crypto"]],
  ] as const)("%j -> %j", (text, expected) => {
    expect(riskCategories(text)).toEqual(expected);
  });
});

describe("score overrides", () => {
  it("replace the computed value and keep actor, reason and what they replaced", () => {
    const t = { ...big, scoreOverrides: { complexity: { value: 2, reason: "mostly  \n mechanical", actor: "alice" } } };
    const scores = computeScores(t, [t]);
    const computed = computeScores(big, [big]);
    expect(scores.complexity).toEqual({
      value: 2,
      reason: "mostly mechanical",
      source: "override",
      actor: "alice",
      computedValue: 5,
      overriddenReason: computed.complexity.reason,
    });
    // Other dimensions, even those derived from complexity, stay computed.
    expect(scores.agentSuitability).toEqual(computed.agentSuitability);
  });

  it.each([
    ["a value above 5", { complexity: { value: 7, reason: "r", actor: "a" } }, "/scoreOverrides/complexity/value"],
    ["a fractional value", { reviewRisk: { value: 2.5, reason: "r", actor: "a" } }, "/scoreOverrides/reviewRisk/value"],
    ["an empty reason", { blastRadius: { value: 3, reason: "  ", actor: "a" } }, "/scoreOverrides/blastRadius/reason"],
    ["an unknown dimension", { bogus: { value: 3, reason: "r", actor: "a" } }, "/scoreOverrides/bogus"],
  ])("refuse %s with a ValidationError", (_, overrides, pointer) => {
    const t = { ...tiny, scoreOverrides: overrides as PlanTask["scoreOverrides"] };
    try {
      computeScores(t, [t]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.pointer)).toEqual([pointer]);
    }
  });
});

describe("score properties", () => {
  const planWithOverrides = planArb({ messy: true }).chain((plan) =>
    fc
      .array(
        fc.record({
          index: fc.nat({ max: plan.length - 1 }),
          dim: fc.constantFrom(...SCORE_DIMENSIONS),
          value: fc.integer({ min: 1, max: 5 }),
        }),
        { maxLength: 3 },
      )
      .map((overrides) => {
        const out = plan.map((t) => ({ ...t }));
        for (const o of overrides) {
          const t = out[o.index] as PlanTask;
          t.scoreOverrides = { ...t.scoreOverrides, [o.dim]: { value: o.value, reason: "judged by hand", actor: "carol" } };
        }
        return out;
      }),
  );

  it("are integers 1..5 with a non-empty one-line reason", () => {
    fc.assert(
      fc.property(planWithOverrides, (plan) => {
        for (const t of plan) {
          const scores = computeScores(t, plan);
          for (const d of SCORE_DIMENSIONS) {
            const s = scores[d];
            expect(Number.isInteger(s.value)).toBe(true);
            expect(s.value).toBeGreaterThanOrEqual(1);
            expect(s.value).toBeLessThanOrEqual(5);
            expect(s.reason.trim().length).toBeGreaterThan(0);
            expect(s.reason).not.toMatch(/[\r\n]/);
            expect(s.source).toBe(t.scoreOverrides?.[d] === undefined ? "computed" : "override");
          }
        }
      }),
    );
  });

  it("are deterministic and independent of the order of the plan", () => {
    fc.assert(
      fc.property(
        planWithOverrides.chain((plan) => fc.tuple(fc.constant(plan), shuffledArb(plan))),
        ([plan, shuffled]) => {
          for (const t of plan) {
            const once = computeScores(t, plan);
            expect(computeScores(t, plan)).toEqual(once);
            expect(computeScores(t, shuffled)).toEqual(once);
          }
          expect(computeAllScores(shuffled)).toEqual(computeAllScores(plan));
        },
      ),
    );
  });

  it("computeAllScores agrees with computeScores task by task", () => {
    fc.assert(
      fc.property(planWithOverrides, (plan) => {
        const all = computeAllScores(plan);
        for (const t of plan) expect(all.get(t.id)).toEqual(computeScores(t, plan));
      }),
    );
  });

  it("a manual step never makes a task more suitable for an agent, nor less risky to review", () => {
    fc.assert(
      fc.property(planArb(), (plan) => {
        for (const t of plan) {
          const before = computeScores(t, plan);
          const withStep = { ...t, manualSteps: [...t.manualSteps, "click through the staging UI"] };
          const after = computeScores(withStep, plan);
          expect(after.agentSuitability.value).toBeLessThanOrEqual(before.agentSuitability.value);
          expect(after.reviewRisk.value).toBeGreaterThanOrEqual(before.reviewRisk.value);
        }
      }),
    );
  });
});

describe("tokenize", () => {
  /** The plain definition: split on anything but letters and digits, then at lower-to-upper case turns. */
  const reference = (text: string) =>
    text
      .split(/[^\p{L}\p{N}]+/u)
      .flatMap((word) => word.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})/u))
      .filter((w) => w.length > 0)
      .map((w) => w.toLowerCase());

  it("splits words of any script and camelCase, lower-cased", () => {
    expect(tokenize("Export invoices to CSV via parseJSON2Go, HTTPServer and naïveÉtat; 日本語テキスト")).toEqual([
      "export", "invoices", "to", "csv", "via", "parse", "json2", "go", "httpserver", "and", "naïve", "état", "日本語テキスト",
    ]);
  });

  it("agrees with the plain definition on any text (its fast path for lower-case ASCII words changes nothing)", () => {
    const chars = fc.constantFrom(..."aZ09 _-.é É ǅ ϒ ß İ 日 ٣ \n/");
    fc.assert(fc.property(fc.oneof(fc.string({ unit: chars, maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ maxLength: 40 })), (text) => {
      expect(tokenize(text)).toEqual(reference(text));
    }), { numRuns: 2000 });
  });
});
