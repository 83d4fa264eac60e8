import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pickNext, rankClaimable, assessClaimability } from "../../../src/domain/planning/index.js";
import type { LiveClaim, NextInput, PlanTask } from "../../../src/domain/planning/index.js";
import { claimsArb, overlapDouble, planArb, task } from "./planning-support.js";

function input(tasks: PlanTask[], liveClaims: LiveClaim[] = [], kind?: string): NextInput {
  return { tasks, liveClaims, actor: "me", kind, overlaps: overlapDouble };
}

const ids = (tasks: PlanTask[], claims: LiveClaim[] = [], kind?: string): string[] =>
  rankClaimable(input(tasks, claims, kind)).map((c) => c.id);

describe("rankClaimable: which tasks are claimable", () => {
  const cases: { name: string; tasks: PlanTask[]; claims?: LiveClaim[]; claimable: string[] }[] = [
    { name: "a ready task with no dependencies", tasks: [task("A")], claimable: ["A"] },
    {
      name: "only ready tasks, not the other statuses",
      tasks: (["draft", "claimed", "in_progress", "blocked", "submitted", "accepted", "done", "cancelled", "ready"] as const).map(
        (status, i) => task(`S${i}`, { status }),
      ),
      claimable: ["S8"],
    },
    { name: "not while a dependency is undone", tasks: [task("A"), task("B", { dependencies: ["A"] })], claimable: ["A"] },
    {
      name: "once every dependency is done",
      tasks: [task("A", { status: "done" }), task("C", { status: "done" }), task("B", { dependencies: ["A", "C"] })],
      claimable: ["B"],
    },
    { name: "not with an unknown dependency", tasks: [task("B", { dependencies: ["NOPE"] })], claimable: [] },
    {
      name: "not with a cancelled dependency",
      tasks: [task("A", { status: "cancelled" }), task("B", { dependencies: ["A"] })],
      claimable: [],
    },
    { name: "not with a self-dependency", tasks: [task("A", { dependencies: ["A"] })], claimable: [] },
    {
      name: "not while a live claim is on it (even if its status lags)",
      tasks: [task("A"), task("B")],
      claims: [{ taskId: "A", scope: [], holder: "bob" }],
      claimable: ["B"],
    },
    {
      name: "not when its scope overlaps another task's live claim",
      tasks: [task("A", { scope: ["src/x.ts"] }), task("B", { scope: ["src/y.ts"] }), task("C", { status: "claimed", scope: ["src/**"] })],
      claims: [{ taskId: "C", scope: ["src/x.ts"], holder: "bob" }],
      claimable: ["B"],
    },
    {
      name: "not when it overlaps the actor's own claim either",
      tasks: [task("A", { scope: ["src/**"] }), task("C", { status: "in_progress", scope: ["src/c.ts"] })],
      claims: [{ taskId: "C", scope: ["src/c.ts"], holder: "me" }],
      claimable: [],
    },
  ];
  it.each(cases)("$name", ({ tasks, claims, claimable }) => {
    expect(ids(tasks, claims).sort()).toEqual(claimable);
  });
});

describe("rankClaimable: the documented order", () => {
  const agentFriendly = { verification: ["make test"], manualSteps: [] };
  const humanFriendly = { verification: [], manualSteps: ["sign the release"] };
  const cases: { name: string; tasks: PlanTask[]; kind?: string; order: string[] }[] = [
    {
      name: "priority first: critical > high > medium > low",
      tasks: [task("L", { priority: "low" }), task("C", { priority: "critical" }), task("M"), task("H", { priority: "high" })],
      order: ["C", "H", "M", "L"],
    },
    {
      name: "then what it unblocks, transitively",
      tasks: [task("A"), task("B"), task("X", { dependencies: ["B"] }), task("Y", { dependencies: ["X"] }), task("Z", { dependencies: ["A"] })],
      order: ["B", "A"],
    },
    {
      name: "priority outranks unblocking",
      tasks: [task("A"), task("B", { priority: "high" }), task("X", { dependencies: ["A"] })],
      order: ["B", "A"],
    },
    {
      name: "for an agent, the more agent-suitable task first",
      tasks: [task("A", humanFriendly), task("B", agentFriendly)],
      kind: "agent",
      order: ["B", "A"],
    },
    {
      name: "for an agent with equal suitability, the lighter context first",
      tasks: [task("A", { intent: "x".repeat(900), scope: ["src/**", "lib/**"] }), task("B")],
      order: ["B", "A"],
    },
    {
      name: "for a human, the less agent-suitable task first",
      tasks: [task("A", agentFriendly), task("B", humanFriendly)],
      kind: "human",
      order: ["B", "A"],
    },
    {
      name: "for a human with equal suitability, the riskier review first",
      tasks: [task("A"), task("B", { intent: "Harden session handling." })],
      kind: "human",
      order: ["B", "A"],
    },
    {
      name: "an unknown kind behaves like an agent",
      tasks: [task("A", humanFriendly), task("B", agentFriendly)],
      kind: "orchestrator",
      order: ["B", "A"],
    },
    {
      name: "ids break the remaining ties",
      tasks: [task("T10"), task("T02"), task("T1")],
      order: ["T02", "T1", "T10"],
    },
    {
      name: "an agent-suitability override steers the order",
      tasks: [task("A"), task("B", { scoreOverrides: { agentSuitability: { value: 1, reason: "needs a staging login", actor: "ann" } } })],
      kind: "human",
      order: ["B", "A"],
    },
  ];
  it.each(cases)("$name", ({ tasks, kind, order }) => {
    expect(ids(tasks, [], kind)).toEqual(order);
  });

  it("gives each candidate its rank and the reasons in the order applied", () => {
    const [first] = rankClaimable(input([task("A", { priority: "high" }), task("B", { dependencies: ["A"] })]));
    expect(first).toMatchObject({ id: "A", rank: 1, title: "Task A", unblocks: 1 });
    expect(first?.reasons).toEqual(["priority high", "unblocks 1 task", "agent suitability 5, context load 1 (suits an agent)"]);
  });
});

describe("pickNext", () => {
  it("returns the best candidate with the reason", () => {
    const pick = pickNext(input([task("A"), task("B", { priority: "critical" })]));
    expect(pick.candidate?.id).toBe("B");
    expect(pick.claimableCount).toBe(2);
    expect(pick.reason).toBe("B is the best of 2 claimable: priority critical; unblocks no other task; agent suitability 5, context load 1 (suits an agent)");
  });

  it.each([
    { name: "an empty plan", tasks: [], claims: [], reason: "nothing is claimable: the plan has no tasks" },
    {
      name: "a finished plan",
      tasks: [task("A", { status: "done" }), task("B", { status: "cancelled" })],
      claims: [],
      reason: "nothing is claimable: every task is done or cancelled",
    },
    {
      name: "a blocked plan",
      tasks: [
        task("A", { status: "in_progress", scope: ["src/**"] }),
        task("B", { dependencies: ["A"] }),
        task("C", { scope: ["src/c.ts"] }),
        task("D", { status: "draft" }),
        task("E"),
      ],
      claims: [
        { taskId: "A", scope: ["src/**"], holder: "me" },
        { taskId: "E", scope: [], holder: "bob" },
      ],
      reason:
        "nothing is claimable: 1 ready waiting on dependencies (B waits on A (in_progress)); " +
        "1 ready but claimed (E is claimed by bob); " +
        "1 ready but overlapping a live claim (C's scope overlaps the live claim on A held by me (you)); " +
        "1 draft needing a readiness review (D); 1 already in someone's hands (A in_progress); " +
        "you hold live claims on A",
    },
  ])("explains why nothing is claimable in $name", ({ tasks, claims, reason }) => {
    const pick = pickNext(input(tasks, claims));
    expect(pick.candidate).toBeNull();
    expect(pick.reason).toBe(reason);
  });

  it("lists every reason a task is not claimable", () => {
    const { notClaimable } = assessClaimability(
      input(
        [task("A", { dependencies: ["X", "Y"], scope: ["src/**"] }), task("Y", { status: "cancelled" }), task("Z", { status: "claimed", scope: ["src/z.ts"] })],
        [
          { taskId: "A", scope: [], holder: "bob" },
          { taskId: "Z", scope: ["src/z.ts"], holder: "carl" },
        ],
      ),
    );
    expect(notClaimable[0]).toEqual({
      taskId: "A",
      status: "ready",
      codes: ["dependencies", "claimed", "scope-overlap"],
      reasons: [
        "A depends on unknown task X",
        "A depends on cancelled task Y",
        "A is claimed by bob",
        "A's scope overlaps the live claim on Z held by carl",
      ],
    });
  });
});

describe("next properties (random plans, scopes and claims)", () => {
  const scenario = planArb({ messy: true, statuses: ["ready", "ready", "ready", "done", "done", "claimed", "in_progress", "draft", "cancelled"] })
    .chain((plan) => fc.tuple(fc.constant(plan), claimsArb(plan), fc.constantFrom("agent", "human", "robot")));

  it("pickNext never returns a task with an undone dependency, a live claim or an overlapping scope", () => {
    fc.assert(
      fc.property(scenario, ([plan, claims, kind]) => {
        const pick = pickNext(input(plan, claims, kind));
        const byId = new Map(plan.map((t) => [t.id, t]));
        const claimable = plan.filter((t) => referenceClaimable(t, byId, claims));
        if (pick.candidate === null) {
          expect(claimable).toEqual([]);
          expect(pick.reason).toMatch(/^nothing is claimable: /);
          return;
        }
        const chosen = byId.get(pick.candidate.id) as PlanTask;
        expect(chosen.status).toBe("ready");
        for (const d of chosen.dependencies) expect(byId.get(d)?.status).toBe("done");
        expect(claims.some((c) => c.taskId === chosen.id)).toBe(false);
        for (const c of claims) expect(overlapDouble(chosen.scope, c.scope)).toBe(false);
        expect(pick.candidate.id).toBe(rankClaimable(input(plan, claims, kind))[0]?.id);
      }),
    );
  });

  it("ranks exactly the claimable tasks, consistently with the order, whatever the input order", () => {
    fc.assert(
      fc.property(
        scenario.chain(([plan, claims, kind]) =>
          fc.tuple(fc.constant(plan), fc.constant(claims), fc.constant(kind), fc.shuffledSubarray(plan, { minLength: plan.length })),
        ),
        ([plan, claims, kind, shuffled]) => {
          const byId = new Map(plan.map((t) => [t.id, t]));
          const ranked = rankClaimable(input(plan, claims, kind));
          expect(ranked.map((c) => c.id).sort()).toEqual(plan.filter((t) => referenceClaimable(t, byId, claims)).map((t) => t.id).sort());
          expect(rankClaimable(input(shuffled, claims, kind))).toEqual(ranked);
          const weight = { critical: 4, high: 3, medium: 2, low: 1 };
          for (let i = 1; i < ranked.length; i++) {
            const a = ranked[i - 1];
            const b = ranked[i];
            if (a === undefined || b === undefined) continue;
            expect(weight[a.priority]).toBeGreaterThanOrEqual(weight[b.priority]);
            if (a.priority === b.priority) expect(a.unblocks).toBeGreaterThanOrEqual(b.unblocks);
          }
        },
      ),
    );
  });
});

function referenceClaimable(t: PlanTask, byId: Map<string, PlanTask>, claims: readonly LiveClaim[]): boolean {
  return (
    t.status === "ready" &&
    t.dependencies.every((d) => d !== t.id && byId.get(d)?.status === "done") &&
    !claims.some((c) => c.taskId === t.id) &&
    !claims.some((c) => overlapDouble(t.scope, c.scope))
  );
}
