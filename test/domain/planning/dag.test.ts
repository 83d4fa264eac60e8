import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/errors.js";
import {
  dependents,
  topologicalOrder,
  transitiveDependentsCount,
  validateDag,
} from "../../../src/domain/planning/index.js";
import type { PlanTask } from "../../../src/domain/planning/index.js";
import { planArb, shuffledArb, task } from "./planning-support.js";

const dep = (ids: string[], fields: Partial<PlanTask> = {}): Partial<PlanTask> => ({ dependencies: ids, ...fields });

describe("validateDag", () => {
  const cases: { name: string; tasks: PlanTask[]; expected: { code: string; taskId: string; message: string; severity: string }[] }[] = [
    { name: "a clean diamond", tasks: [task("A"), task("B", dep(["A"])), task("C", dep(["A"])), task("D", dep(["B", "C"]))], expected: [] },
    {
      name: "an unknown dependency",
      tasks: [task("A", dep(["ZZZ"]))],
      expected: [{ code: "unknown-dependency", taskId: "A", message: "A depends on unknown task ZZZ", severity: "error" }],
    },
    {
      name: "a self-dependency",
      tasks: [task("A", dep(["A"]))],
      expected: [{ code: "self-dependency", taskId: "A", message: "A depends on itself", severity: "error" }],
    },
    {
      name: "a two-task cycle",
      tasks: [task("T001", dep(["T003"])), task("T003", dep(["T001"]))],
      expected: [{ code: "cycle", taskId: "T001", message: "dependency cycle: T001 -> T003 -> T001", severity: "error" }],
    },
    {
      name: "a three-task cycle named from its smallest id",
      tasks: [task("T3", dep(["T1"])), task("T1", dep(["T2"])), task("T2", dep(["T3"]))],
      expected: [{ code: "cycle", taskId: "T1", message: "dependency cycle: T1 -> T2 -> T3 -> T1", severity: "error" }],
    },
    {
      name: "two separate cycles, each named",
      tasks: [task("A", dep(["B"])), task("B", dep(["A"])), task("C", dep(["D"])), task("D", dep(["C"]))],
      expected: [
        { code: "cycle", taskId: "A", message: "dependency cycle: A -> B -> A", severity: "error" },
        { code: "cycle", taskId: "C", message: "dependency cycle: C -> D -> C", severity: "error" },
      ],
    },
    {
      name: "a knot: the shortest cycle is named, the rest listed",
      tasks: [task("A", dep(["B", "C"])), task("B", dep(["A"])), task("C", dep(["B"]))],
      expected: [
        {
          code: "cycle",
          taskId: "A",
          message: "dependency cycle: A -> B -> A (the same knot also involves C)",
          severity: "error",
        },
      ],
    },
    {
      name: "a dependency on a cancelled task is a warning",
      tasks: [task("A", { status: "cancelled" }), task("B", dep(["A"]))],
      expected: [
        {
          code: "cancelled-dependency",
          taskId: "B",
          message: "B depends on cancelled task A; it can never become claimable",
          severity: "warning",
        },
      ],
    },
    {
      name: "cancelled or done tasks depending on cancelled ones are history, not issues",
      tasks: [task("A", { status: "cancelled" }), task("B", dep(["A"], { status: "cancelled" })), task("C", dep(["A"], { status: "done" }))],
      expected: [],
    },
    {
      name: "a duplicated id",
      tasks: [task("A"), task("A")],
      expected: [{ code: "duplicate-id", taskId: "A", message: "task id A is used by more than one task", severity: "error" }],
    },
  ];

  it.each(cases)("reports $name", ({ tasks, expected }) => {
    const issues = validateDag(tasks).map(({ code, taskId, message, severity }) => ({ code, taskId, message, severity }));
    expect(issues).toEqual(expected);
  });

  it("points at the offending dependency entry", () => {
    const [issue] = validateDag([task("A", dep(["B", "NOPE"])), task("B")]);
    expect(issue?.pointer).toBe("/dependencies/1");
    expect(issue?.related).toEqual(["NOPE"]);
    expect(issue?.hint).toBeTruthy();
  });
});

describe("topologicalOrder", () => {
  const cases: { name: string; tasks: PlanTask[]; order: string[] }[] = [
    { name: "independent tasks by id", tasks: [task("C"), task("A"), task("B")], order: ["A", "B", "C"] },
    { name: "a chain against id order", tasks: [task("A", dep(["B"])), task("B", dep(["C"])), task("C")], order: ["C", "B", "A"] },
    {
      name: "a diamond, ties by id",
      tasks: [task("D", dep(["B", "C"])), task("C", dep(["A"])), task("B", dep(["A"])), task("A")],
      order: ["A", "B", "C", "D"],
    },
    { name: "the smallest free id goes first", tasks: [task("B"), task("A", dep(["C"])), task("C")], order: ["B", "C", "A"] },
    { name: "unknown dependencies are skipped", tasks: [task("A", dep(["X"])), task("B", dep(["A"]))], order: ["A", "B"] },
    {
      name: "done and cancelled tasks keep their place",
      tasks: [task("A", { status: "done" }), task("B", dep(["A"], { status: "cancelled" }))],
      order: ["A", "B"],
    },
  ];
  it.each(cases)("orders $name", ({ tasks, order }) => {
    expect(topologicalOrder(tasks)).toEqual(order);
  });

  it("throws a ValidationError naming the cycle", () => {
    const run = (): string[] => topologicalOrder([task("A", dep(["B"])), task("B", dep(["A"])), task("C")]);
    expect(run).toThrow(ValidationError);
    try {
      run();
    } catch (err) {
      const e = err as ValidationError;
      expect(e.code).toBe("VALIDATION_FAILED");
      expect(e.exitCode).toBe(5);
      expect(e.message).toContain("A -> B -> A");
      expect(e.issues.map((i) => i.message)).toEqual(["dependency cycle: A -> B -> A"]);
    }
  });

  it("handles a 10,000-task chain without recursion limits", () => {
    const n = 10_000;
    const tasks = Array.from({ length: n }, (_, i) =>
      task(`T${String(i).padStart(5, "0")}`, dep(i === 0 ? [] : [`T${String(i - 1).padStart(5, "0")}`])),
    );
    const order = topologicalOrder(tasks.slice().reverse());
    expect(order[0]).toBe("T00000");
    expect(order[n - 1]).toBe("T09999");
    expect(transitiveDependentsCount(tasks).get("T00000")).toBe(n - 1);
  });

  it("puts every dependency before its dependents, whatever the input order (property)", () => {
    fc.assert(
      fc.property(
        planArb().chain((plan) => fc.tuple(fc.constant(plan), shuffledArb(plan))),
        ([plan, shuffled]) => {
          const order = topologicalOrder(shuffled);
          expect(order).toEqual(topologicalOrder(plan));
          expect([...order].sort()).toEqual(plan.map((t) => t.id).sort());
          const position = new Map(order.map((id, i) => [id, i]));
          for (const t of plan) {
            for (const d of t.dependencies) expect(position.get(d)).toBeLessThan(position.get(t.id) as number);
          }
        },
      ),
    );
  });
});

describe("dependents and transitiveDependentsCount", () => {
  const plan = [
    task("A"),
    task("B", dep(["A"])),
    task("C", dep(["A"])),
    task("D", dep(["B", "C"])),
    task("E", dep(["D"], { status: "cancelled" })),
    task("F", dep(["E"])),
    task("G"),
  ];

  it("maps every task to its direct dependents", () => {
    expect(Object.fromEntries(dependents(plan))).toEqual({
      A: ["B", "C"],
      B: ["D"],
      C: ["D"],
      D: ["E"],
      E: ["F"],
      F: [],
      G: [],
    });
  });

  it.each([
    ["A", 3],
    ["B", 1],
    ["C", 1],
    ["D", 0],
    ["E", 0],
    ["F", 0],
    ["G", 0],
  ] as const)("%s unblocks %i (nothing through a cancelled task)", (taskId, count) => {
    expect(transitiveDependentsCount(plan).get(taskId)).toBe(count);
  });

  it("counts the other members of a cycle and what lies behind it", () => {
    const counts = transitiveDependentsCount([task("A", dep(["B"])), task("B", dep(["A"])), task("C", dep(["B"])), task("Z", dep(["C"]))]);
    expect(Object.fromEntries(counts)).toEqual({ A: 3, B: 3, C: 1, Z: 0 });
  });

  it("agrees with a breadth-first reference on random plans with cycles and unknown ids (property)", () => {
    fc.assert(
      fc.property(planArb({ messy: true }), (plan) => {
        const counts = transitiveDependentsCount(plan);
        for (const t of plan) expect(counts.get(t.id)).toBe(referenceUnblocks(plan, t.id));
      }),
    );
  });
});

function referenceUnblocks(plan: readonly PlanTask[], start: string): number {
  if (plan.find((t) => t.id === start)?.status === "cancelled") return 0;
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const t of plan) {
      if (t.status !== "cancelled" && t.dependencies.includes(current) && !seen.has(t.id)) {
        seen.add(t.id);
        queue.push(t.id);
      }
    }
  }
  return seen.size - 1;
}
