import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeScores, expansionAdvice } from "../../../src/domain/planning/index.js";
import type { PlanTask } from "../../../src/domain/planning/index.js";
import { planArb, task } from "./planning-support.js";

const big = task("BIG", {
  intent: "x".repeat(1991),
  acceptanceCriteria: Array.from({ length: 9 }, () => "c"),
  dependencies: ["X", "Y", "Z"],
  scope: ["src/a/**", "src/b/**", "lib/**", "docs/x.md", "docs/y.md", "src/a/one.ts", "src/a/two.ts", "tools/run.sh"],
});
const wide = task("WIDE", { scope: ["a/**", "b/**", "c/**", "d/**", "e/**", "f/**"] });
const longButSeamless = task("LONG", { intent: "x".repeat(3000), dependencies: ["X", "Y", "Z"] });
const manyCriteria = task("MANY", {
  intent: "x".repeat(1700),
  acceptanceCriteria: Array.from({ length: 14 }, (_, i) => `criterion ${i}`),
});

describe("expansionAdvice", () => {
  const cases: { name: string; tasks: PlanTask[]; plan?: PlanTask[]; expected: { taskId: string; subtasks: number }[] }[] = [
    { name: "a big task with many criteria and a broad scope", tasks: [big], expected: [{ taskId: "BIG", subtasks: 5 }] },
    { name: "a broad scope alone, one subtask per directory", tasks: [wide], expected: [{ taskId: "WIDE", subtasks: 6 }] },
    { name: "never more than six subtasks", tasks: [manyCriteria], expected: [{ taskId: "MANY", subtasks: 6 }] },
    { name: "not a big task with no seam to cut along", tasks: [longButSeamless], expected: [] },
    { name: "not a small task", tasks: [task("SMALL")], expected: [] },
    {
      name: "not a task that already has subtasks",
      tasks: [big],
      plan: [big, task("SUB", { parent: "BIG" })],
      expected: [],
    },
    {
      name: "again when its only subtasks were cancelled",
      tasks: [big],
      plan: [big, task("SUB", { parent: "BIG", status: "cancelled" })],
      expected: [{ taskId: "BIG", subtasks: 5 }],
    },
    { name: "not started work only", tasks: [{ ...big, status: "in_progress" }, { ...wide, status: "done" }], expected: [] },
    { name: "drafts too", tasks: [{ ...big, status: "draft" }], expected: [{ taskId: "BIG", subtasks: 5 }] },
    {
      name: "not when a human overrode the size down",
      tasks: [
        {
          ...big,
          scoreOverrides: {
            complexity: { value: 3, reason: "generated boilerplate", actor: "ann" },
            contextLoad: { value: 2, reason: "one module", actor: "ann" },
          },
        },
      ],
      expected: [],
    },
    {
      name: "biggest first, then by id",
      tasks: [wide, manyCriteria, big],
      expected: [
        { taskId: "BIG", subtasks: 5 },
        { taskId: "MANY", subtasks: 6 },
        { taskId: "WIDE", subtasks: 6 },
      ],
    },
  ];
  it.each(cases)("$name", ({ tasks, plan, expected }) => {
    expect(expansionAdvice(tasks, plan ?? tasks).map(({ taskId, subtasks }) => ({ taskId, subtasks }))).toEqual(expected);
  });

  it("explains the advice in one line", () => {
    expect(expansionAdvice([big], [big])[0]).toEqual({
      taskId: "BIG",
      subtasks: 5,
      complexity: 5,
      contextLoad: 5,
      reason:
        "complexity 5, context load 5; 9 acceptance criteria and a scope of 8 globs over 5 directories: split into about 5 subtasks of ~2 criteria each",
    });
    expect(expansionAdvice([wide], [wide])[0]?.reason).toBe(
      "complexity 3, context load 4; a scope of 6 globs over 6 directories: split into about 6 subtasks along directory lines",
    );
  });

  it("advises only open, unsplit, big tasks, with 2..6 subtasks (property)", () => {
    fc.assert(
      fc.property(planArb({ messy: true }), fc.nat({ max: 9 }), (plan, parentIndex) => {
        const withSub = plan.length > 1 ? [...plan, task("SUB", { parent: plan[parentIndex % plan.length]?.id ?? null })] : plan;
        const advice = expansionAdvice(withSub, withSub);
        for (const a of advice) {
          const t = withSub.find((x) => x.id === a.taskId) as PlanTask;
          expect(["draft", "ready"]).toContain(t.status);
          expect(withSub.some((x) => x.parent === t.id)).toBe(false);
          const scores = computeScores(t, withSub);
          expect(Math.max(scores.complexity.value, scores.contextLoad.value)).toBeGreaterThanOrEqual(4);
          expect(a.subtasks).toBeGreaterThanOrEqual(2);
          expect(a.subtasks).toBeLessThanOrEqual(6);
          expect(a.reason).not.toMatch(/[\r\n]/);
          expect(a.reason.length).toBeGreaterThan(0);
        }
        expect(expansionAdvice([...withSub].reverse(), withSub)).toEqual(advice);
      }),
    );
  });
});
