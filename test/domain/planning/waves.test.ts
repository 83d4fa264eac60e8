import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { planWaves } from "../../../src/domain/planning/index.js";
import type { LiveClaim, PlanTask, WavePlan } from "../../../src/domain/planning/index.js";
import { claimsArb, overlapDouble, planArb, shuffledArb, task } from "./planning-support.js";

function waves(tasks: PlanTask[], liveClaims: LiveClaim[] = [], agents?: number): WavePlan {
  return planWaves({ tasks, liveClaims, agents, overlaps: overlapDouble });
}

describe("planWaves: table", () => {
  const cases: { name: string; tasks: PlanTask[]; claims?: LiveClaim[]; agents?: number; expected: string[][] }[] = [
    { name: "an empty plan", tasks: [], expected: [] },
    { name: "independent tasks share one wave", tasks: [task("B"), task("A")], expected: [["A", "B"]] },
    {
      name: "a chain takes one wave per link",
      tasks: [task("A"), task("B", { dependencies: ["A"] }), task("C", { dependencies: ["B"] })],
      expected: [["A"], ["B"], ["C"]],
    },
    {
      name: "a diamond",
      tasks: [task("A"), task("B", { dependencies: ["A"] }), task("C", { dependencies: ["A"] }), task("D", { dependencies: ["B", "C"] })],
      expected: [["A"], ["B", "C"], ["D"]],
    },
    {
      name: "overlapping scopes are split across waves, priority first",
      tasks: [task("A", { scope: ["src/**"] }), task("B", { scope: ["src/b.ts"], priority: "high" }), task("C", { scope: ["docs/c.md"] })],
      expected: [["B", "C"], ["A"]],
    },
    {
      name: "done tasks are satisfied dependencies, cancelled ones vanish",
      tasks: [task("A", { status: "done" }), task("B", { dependencies: ["A"] }), task("X", { status: "cancelled" })],
      expected: [["B"]],
    },
    {
      name: "the agents cap, filled by the next order (what unblocks most first)",
      tasks: [task("A"), task("B"), task("C"), task("D", { dependencies: ["C"] })],
      agents: 2,
      expected: [["C", "A"], ["B", "D"]],
    },
    {
      name: "running tasks come first and hold their claimed scope",
      tasks: [
        task("A", { priority: "critical", scope: ["src/a.ts"] }),
        task("R", { status: "in_progress", priority: "low", scope: ["lib/r.ts"] }),
        task("S", { status: "submitted", priority: "low", scope: ["docs/s.md"] }),
      ],
      claims: [{ taskId: "R", scope: ["src/**"], holder: "bob" }],
      expected: [["R", "S"], ["A"]],
    },
    {
      name: "a claimed status without a live claim is waiting work again",
      tasks: [task("A", { status: "claimed", priority: "low" }), task("B", { priority: "high", scope: ["src/a/**"] })],
      agents: 1,
      expected: [["B"], ["A"]],
    },
    {
      name: "drafts are scheduled like ready work",
      tasks: [task("A", { status: "draft" }), task("B", { status: "accepted" }), task("C", { dependencies: ["A", "B"] })],
      expected: [["B", "A"], ["C"]],
    },
  ];
  it.each(cases)("$name", ({ tasks, claims, agents, expected }) => {
    expect(waves(tasks, claims, agents).waves).toEqual(expected);
  });

  it("lists in-flight and draft tasks", () => {
    const plan = waves(
      [task("A", { status: "draft" }), task("B", { status: "accepted" }), task("C", { status: "blocked" }), task("D", { status: "blocked" })],
      [{ taskId: "C", scope: [], holder: "x" }],
    );
    expect(plan.inFlight).toEqual(["B", "C"]);
    expect(plan.needsReview).toEqual(["A"]);
  });

  it("reports tasks that can never run, with the reason, and never drops them", () => {
    const plan = waves([
      task("A", { dependencies: ["GONE"] }),
      task("B", { dependencies: ["X"] }),
      task("X", { status: "cancelled" }),
      task("C", { dependencies: ["D"] }),
      task("D", { dependencies: ["C"] }),
      task("E", { dependencies: ["E"] }),
      task("F", { dependencies: ["C", "G"] }),
      task("G"),
      task("H", { dependencies: ["F"] }),
      task("I", { status: "done", dependencies: ["J"] }),
      task("J", { dependencies: ["I"] }),
    ]);
    expect(plan.waves).toEqual([["G", "J"]]);
    expect(plan.unschedulable).toEqual([
      { taskId: "A", reason: "depends on unknown task GONE" },
      { taskId: "B", reason: "depends on cancelled task X" },
      { taskId: "C", reason: "is in the dependency cycle C -> D -> C" },
      { taskId: "D", reason: "is in the dependency cycle C -> D -> C" },
      { taskId: "E", reason: "depends on itself" },
      { taskId: "F", reason: "waits on C, which can never be scheduled" },
      { taskId: "H", reason: "waits on F, which can never be scheduled" },
    ]);
  });

  it.each([
    {
      name: "claims on unknown or finished tasks are ignored with a note",
      tasks: [task("A", { status: "done" })],
      claims: [
        { taskId: "A", scope: [], holder: "bob" },
        { taskId: "Q", scope: [], holder: "ann" },
      ],
      agents: undefined,
      waves: [],
      notes: [
        "the live claim on A (held by bob) is ignored: the task is done",
        "the live claim on Q (held by ann) names no task in the plan and is ignored",
      ],
    },
    {
      name: "forced overlapping claims are shown in separate waves",
      tasks: [task("A", { status: "in_progress", scope: ["src/**"] }), task("B", { status: "in_progress", scope: ["src/b.ts"] })],
      claims: [
        { taskId: "A", scope: ["src/**"], holder: "bob" },
        { taskId: "B", scope: ["src/b.ts"], holder: "ann" },
      ],
      agents: undefined,
      waves: [["A"], ["B"]],
      notes: ["B is already running with a scope overlapping A; it is shown in a later wave to keep each wave overlap-free"],
    },
    {
      name: "more running tasks than agents",
      tasks: [task("A", { status: "submitted" }), task("B", { status: "submitted" })],
      claims: [],
      agents: 1,
      waves: [["A"], ["B"]],
      notes: ["B is already running but more tasks are running than the 1 agents allowed; it is shown in a later wave"],
    },
    {
      name: "a running task whose dependency is not done",
      tasks: [task("A"), task("B", { status: "submitted", dependencies: ["A"] })],
      claims: [],
      agents: undefined,
      waves: [["A"], ["B"]],
      notes: ["B is already running although its dependencies A are not done; it is shown after them"],
    },
  ])("$name", ({ tasks, claims, agents, waves: expected, notes }) => {
    const plan = waves(tasks, claims, agents);
    expect(plan.waves).toEqual(expected);
    expect(plan.notes).toEqual(notes);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses agents = %s", (agents) => {
    expect(() => waves([task("A")], [], agents)).toThrow(UsageError);
  });
});

describe("planWaves properties (random DAGs, scopes and claims)", () => {
  const scenario = (messy: boolean) =>
    planArb({ messy, maxTasks: 12 }).chain((plan) =>
      fc.tuple(fc.constant(plan), claimsArb(plan), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), shuffledArb(plan)),
    );

  it("respects dependencies, scopes and the agents cap, and schedules every schedulable task exactly once", () => {
    fc.assert(
      fc.property(scenario(false), ([plan, claims, agents]) => {
        checkInvariants(plan, claims, agents, waves(plan, claims, agents));
      }),
    );
  });

  it("never silently drops a task, even with cycles, unknown and cancelled dependencies", () => {
    fc.assert(
      fc.property(scenario(true), ([plan, claims, agents]) => {
        checkInvariants(plan, claims, agents, waves(plan, claims, agents));
      }),
    );
  });

  it("is deterministic and independent of the order of tasks and claims", () => {
    fc.assert(
      fc.property(scenario(true), ([plan, claims, agents, shuffled]) => {
        const once = waves(plan, claims, agents);
        expect(waves(plan, claims, agents)).toEqual(once);
        expect(waves(shuffled, [...claims].reverse(), agents)).toEqual(once);
      }),
    );
  });
});

function checkInvariants(plan: PlanTask[], claims: LiveClaim[], agents: number | undefined, result: WavePlan): void {
  const byId = new Map(plan.map((t) => [t.id, t]));
  const waveOf = new Map<string, number>();
  result.waves.forEach((wave, i) => {
    expect(wave.length).toBeGreaterThan(0);
    if (agents !== undefined) expect(wave.length).toBeLessThanOrEqual(agents);
    for (const taskId of wave) {
      expect(waveOf.has(taskId)).toBe(false);
      waveOf.set(taskId, i);
    }
  });

  const bad = referenceUnschedulable(plan);
  for (const t of plan) {
    const open = t.status !== "done" && t.status !== "cancelled";
    const listed = result.unschedulable.filter((u) => u.taskId === t.id);
    if (!open) {
      expect(waveOf.has(t.id)).toBe(false);
      expect(listed).toEqual([]);
    } else if (bad.has(t.id)) {
      expect(waveOf.has(t.id)).toBe(false);
      expect(listed).toHaveLength(1);
      expect(listed[0]?.reason).toBeTruthy();
    } else {
      expect(waveOf.has(t.id)).toBe(true);
      expect(listed).toEqual([]);
    }
  }

  for (const [taskId, wave] of waveOf) {
    for (const d of (byId.get(taskId) as PlanTask).dependencies) {
      const dep = byId.get(d) as PlanTask;
      if (dep.status !== "done") expect(waveOf.get(d)).toBeLessThan(wave);
    }
  }

  const scopeOf = (taskId: string): string[] => [
    ...(byId.get(taskId) as PlanTask).scope,
    ...claims.filter((c) => c.taskId === taskId).flatMap((c) => c.scope),
  ];
  for (const wave of result.waves) {
    for (let i = 0; i < wave.length; i++) {
      for (let j = i + 1; j < wave.length; j++) {
        expect(overlapDouble(scopeOf(wave[i] as string), scopeOf(wave[j] as string))).toBe(false);
      }
    }
  }
}

/** Open tasks that can never run, computed the slow, obvious way. */
function referenceUnschedulable(plan: readonly PlanTask[]): Set<string> {
  const byId = new Map(plan.map((t) => [t.id, t]));
  const open = (t: PlanTask | undefined): boolean => t !== undefined && t.status !== "done" && t.status !== "cancelled";
  const reaches = (from: string, target: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const current = byId.get(stack.pop() as string);
      if (!open(current)) continue;
      for (const d of (current as PlanTask).dependencies) {
        if (!open(byId.get(d))) continue;
        if (d === target) return true;
        if (!seen.has(d)) {
          seen.add(d);
          stack.push(d);
        }
      }
    }
    return false;
  };
  const bad = new Set<string>();
  for (const t of plan) {
    if (!open(t)) continue;
    if (reaches(t.id, t.id) || t.dependencies.some((d) => byId.get(d) === undefined || byId.get(d)?.status === "cancelled")) bad.add(t.id);
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of plan) {
      if (open(t) && !bad.has(t.id) && t.dependencies.some((d) => bad.has(d))) {
        bad.add(t.id);
        grew = true;
      }
    }
  }
  return bad;
}
