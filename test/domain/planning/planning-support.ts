/**
 * Shared helpers for the planning tests: a task builder, a TEST DOUBLE for the scope
 * overlap check, and fast-check arbitraries for random plans.
 */
import fc from "fast-check";
import type { LiveClaim, PlanTask, Priority, TaskStatus } from "../../../src/domain/planning/index.js";

export function task(id: string, fields: Partial<PlanTask> = {}): PlanTask {
  return {
    id,
    title: `Task ${id}`,
    intent: `Do ${id}.`,
    acceptanceCriteria: ["it works"],
    verification: ["npm test"],
    scope: [`src/${id.toLowerCase()}/**`],
    dependencies: [],
    priority: "medium",
    status: "ready",
    parent: null,
    nonGoals: [],
    requiredEvidence: [],
    manualSteps: [],
    ...fields,
  };
}

/**
 * TEST DOUBLE, not the real glob-vs-glob overlap (another module owns that). Two globs
 * overlap when they are equal, or when one has a wildcard and the other lies under its
 * static directory prefix (the segments before the first wildcard); a prefix-less glob
 * such as "**" overlaps everything. It over-approximates, is symmetric, and empty scopes
 * overlap nothing — enough to exercise the planning rules.
 */
export function overlapDouble(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.some((y) => globsOverlap(x, y)));
}

function staticPrefix(glob: string): string | null {
  const segments = glob.split("/");
  const wild = segments.findIndex((s) => /[*?[\]{}]/.test(s));
  return wild === -1 ? null : segments.slice(0, wild).join("/");
}

function under(path: string, glob: string): boolean {
  const prefix = staticPrefix(glob);
  if (prefix === null) return false;
  return prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
}

function globsOverlap(x: string, y: string): boolean {
  return x === y || under(x, y) || under(y, x);
}

export const SCOPE_POOL = [
  "src/a/**",
  "src/a/x.ts",
  "src/b/*.ts",
  "src/b/y.ts",
  "src/c/z.ts",
  "docs/**",
  "test/a.test.ts",
  "lib/q/r.go",
  "lib/**/*.go",
];

const WORDS = ["parse", "render", "auth", "migration", "schema", "cache", "payment", "delete", "lock", "docs", "report"];
const PRIORITIES: Priority[] = ["low", "medium", "high", "critical"];
const STATUSES: TaskStatus[] = [
  "draft",
  "ready",
  "claimed",
  "in_progress",
  "blocked",
  "submitted",
  "accepted",
  "done",
  "cancelled",
];

export function id(i: number): string {
  return `T${String(i).padStart(2, "0")}`;
}

interface PlanOptions {
  /** Allow dependencies on later tasks (cycles), on unknown ids and self. */
  messy?: boolean;
  maxTasks?: number;
  /** Weight statuses towards ready/done so claimable tasks are common. */
  statuses?: readonly TaskStatus[];
}

export function planArb(options: PlanOptions = {}): fc.Arbitrary<PlanTask[]> {
  const maxTasks = options.maxTasks ?? 10;
  const statuses = options.statuses ?? STATUSES;
  return fc.integer({ min: 1, max: maxTasks }).chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          deps: fc.uniqueArray(
            options.messy === true
              ? fc.oneof(
                  { arbitrary: fc.integer({ min: 0, max: n - 1 }).map(id), weight: 8 },
                  { arbitrary: fc.constant("T99"), weight: 1 },
                )
              : i === 0
                ? fc.constant("none")
                : fc.integer({ min: 0, max: i - 1 }).map(id),
            { maxLength: 3 },
          ),
          status: fc.constantFrom(...statuses),
          priority: fc.constantFrom(...PRIORITIES),
          scope: fc.uniqueArray(fc.constantFrom(...SCOPE_POOL), { maxLength: 3 }),
          criteria: fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }).map((w) => w.join(" ")), {
            maxLength: 9,
          }),
          verification: fc.array(fc.constantFrom("npm test", "make check", "cargo test"), { maxLength: 3 }),
          manual: fc.array(fc.constant("check the dashboard"), { maxLength: 2 }),
          intentWords: fc.array(fc.constantFrom(...WORDS), { maxLength: 200 }),
        }),
      ),
    ).map((rows) =>
      rows.map((r, i) =>
        task(id(i), {
          dependencies: r.deps.filter((d) => d !== "none"),
          status: r.status,
          priority: r.priority,
          scope: r.scope,
          acceptanceCriteria: r.criteria,
          verification: r.verification,
          manualSteps: r.manual,
          intent: r.intentWords.join(" "),
        }),
      ),
    ),
  );
}

/** Live claims on some open tasks of the plan, sometimes with a wider scope than the task's. */
export function claimsArb(plan: readonly PlanTask[]): fc.Arbitrary<LiveClaim[]> {
  const claimable = plan.filter((t) => ["claimed", "in_progress", "blocked", "submitted", "ready"].includes(t.status));
  return fc
    .tuple(
      fc.subarray(claimable),
      fc.array(fc.constantFrom(...SCOPE_POOL), { maxLength: 1 }),
      fc.constantFrom("alice", "bob", "me"),
    )
    .map(([tasks, extra, holder]) =>
      tasks.map((t, k) => ({ taskId: t.id, scope: k === 0 ? [...t.scope, ...extra] : [...t.scope], holder })),
    );
}

/** The plan with its tasks in a shuffled order. */
export function shuffledArb<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}
