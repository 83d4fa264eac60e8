/**
 * Task scores: six dimensions, each an integer 1..5 where higher means "more" of it.
 *
 * Why these inputs: they exist for every task in every language, so the scores mean the
 * same in a Go service, a Python notebook or a docs repo. Nothing looks at file
 * extensions; the only words read are generic ("test"/"spec" in scope globs, and risk
 * keywords in the task's own prose).
 *
 * Features (per task):
 *   globs      distinct non-empty scope globs          recursive  globs containing `**`
 *   dirs       distinct static directories of the globs (the path before the first
 *              wildcard segment; the parent directory for a plain path)
 *   topDirs    distinct first segments of those directories
 *   testOnly   every glob names a test/spec path (a path token test(s)/testing/spec(s))
 *   deps       distinct dependencies (self excluded)
 *   unblocks   tasks that depend on it directly or transitively (cancelled ones excluded)
 *   text       characters of intent + acceptance criteria
 *   criteria, verification, manual   counts of acceptance criteria, verification commands,
 *              manual steps
 *   risks      risk areas named in title, intent, criteria or scope: security, auth,
 *              migration, payment, delete, schema, concurrency, crypto, public API
 *
 * step(x, [t1..tk]) = how many thresholds x reaches (0..k).
 *   breadth      = globs + recursive + max(0, dirs - 1)
 *   scopePts     = step(breadth, [3, 6, 10, 16])            0..4
 *   textPts      = step(text, [300, 800, 1600, 3000])         0..4
 *   criteriaPts  = step(criteria, [3, 5, 8, 12])              0..4
 *
 *   complexity        = 1 + step(scopePts + criteriaPts + textPts + step(deps, [3, 6])
 *                                + (risks >= 2 ? 1 : 0), [1, 3, 5, 8])
 *   contextLoad       = 1 + step(scopePts + textPts + step(deps, [1, 3, 6])
 *                                + (topDirs >= 3 ? 1 : 0), [1, 3, 5, 8])
 *   blastRadius       = 1 + step(max(0, scopePts + step(unblocks, [1, 3, 6, 10])
 *                                + (impact risks ? 2 : 0) + (impact risks >= 2 ? 1 : 0)
 *                                + (globs = 0 ? 1 : 0) - (testOnly ? 2 : 0)), [1, 3, 5, 7])
 *                       impact risks: migration, schema, delete, public API
 *   reviewRisk        = 1 + step(max(0, (risks = 0 ? 0 : min(5, 2 + risks))
 *                                + (verification = 0 ? 2 : 0) + (manual > 0 ? 1 : 0)
 *                                + floor(scopePts / 2) + (criteria >= 8 ? 1 : 0)
 *                                - (testOnly ? 1 : 0)), [1, 3, 5, 7])
 *   parallelizability = 5 - min(4, (globs = 0 ? 3 : scopePts) + step(deps, [2, 4])
 *                                + (shared risks ? 1 : 0))
 *                       shared risks: migration, schema, concurrency (one shared resource)
 *   agentSuitability  = clamp(5 - (verification = 0 ? 2 : 0) - (criteria = 0 ? 1 : 0)
 *                                - (manual = 0 ? 0 : manual = 1 ? 2 : 3)
 *                                - (complexity >= 4 ? 1 : 0) - (contextLoad >= 5 ? 1 : 0)
 *                                - (risks >= 2 ? 1 : 0), 1, 5)
 *
 * agentSuitability reads the computed (never the overridden) complexity and context load,
 * so an override changes exactly the dimension it names. An override replaces the value
 * and the reason, and keeps the computed ones in computedValue/overriddenReason.
 */
import { ValidationError } from "../../errors.js";
import type { Issue } from "../../errors.js";
import { buildGraph, countTransitiveDependents } from "./graph.js";
import { SCORE_DIMENSIONS } from "./types.js";
import type { PlanTask, ScoreValue, TaskScores } from "./types.js";

export type RiskCategory =
  | "security"
  | "auth"
  | "migration"
  | "payment"
  | "delete"
  | "schema"
  | "concurrency"
  | "crypto"
  | "public API";

export interface ScoreFeatures {
  globs: number;
  recursiveGlobs: number;
  directories: number;
  topDirectories: number;
  testOnly: boolean;
  dependencies: number;
  transitiveDependents: number;
  textLength: number;
  criteria: number;
  verification: number;
  manualSteps: number;
  risks: RiskCategory[];
}

interface RiskRule {
  category: RiskCategory;
  exact?: readonly string[];
  prefixes?: readonly string[];
  /** Consecutive tokens, each matched as a prefix. */
  phrases?: readonly (readonly string[])[];
}

// Stems rather than whole words so "migrate", "migrations" and "migrating" all count.
// Words that are everyday English in task prose ("remove", "checkout", "token") are left
// out on purpose: they would flag half of all tasks and make the signal useless.
const RISK_RULES: readonly RiskRule[] = [
  {
    category: "security",
    prefixes: ["secur", "vulnerab", "sanitiz", "sanitis", "exploit", "privacy"],
    exact: ["xss", "csrf", "ssrf", "cve", "secret", "secrets"],
  },
  {
    category: "auth",
    prefixes: ["authent", "authoriz", "authoris", "permission", "credential", "password", "passwd", "oauth"],
    exact: ["auth", "authn", "authz", "login", "logout", "signin", "jwt", "rbac", "acl", "sso", "session", "sessions"],
  },
  { category: "migration", prefixes: ["migrat"] },
  { category: "payment", prefixes: ["payment", "billing", "invoice", "refund", "payout"] },
  {
    category: "delete",
    prefixes: ["delet", "purg", "truncat", "destroy"],
    exact: ["drop", "drops", "wipe", "erase"],
  },
  { category: "schema", prefixes: ["schema"], exact: ["ddl"] },
  {
    category: "concurrency",
    prefixes: ["concurren", "mutex", "deadlock", "atomic", "semaphore", "thread"],
    exact: ["race", "races", "lock", "locks", "locking", "cas"],
  },
  {
    category: "crypto",
    prefixes: ["crypt", "encrypt", "decrypt", "cipher", "signature", "hmac", "certificat"],
    exact: ["tls", "ssl", "signing"],
  },
  {
    category: "public API",
    prefixes: ["deprecat", "semver"],
    phrases: [
      ["public", "api"],
      ["public", "interface"],
      ["breaking", "change"],
      ["backward", "compat"],
      ["backwards", "compat"],
    ],
  },
];

const IMPACT_RISKS: ReadonlySet<RiskCategory> = new Set(["migration", "schema", "delete", "public API"]);
const SHARED_RISKS: ReadonlySet<RiskCategory> = new Set(["migration", "schema", "concurrency"]);
const TEST_WORDS: ReadonlySet<string> = new Set(["test", "tests", "testing", "spec", "specs"]);

/** Whether every character is an ASCII lower-case letter or digit: nothing to split or lower. */
function plainLower(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** Word tokens of any script, with camelCase split, lower-cased. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(/[^\p{L}\p{N}]+/u)) {
    if (word.length === 0) continue;
    // Most words of a task's text are plain lower-case ASCII: skip the Unicode split for them.
    if (plainLower(word)) out.push(word);
    else for (const part of word.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})/u)) if (part.length > 0) out.push(part.toLowerCase());
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// One anchored pattern per rule, compiled once: matching runs for every task on every
// `next`/`waves`, so it must stay cheap at 10,000 tasks.
const RISK_MATCHERS = RISK_RULES.map((rule) => {
  const alternatives = [
    ...(rule.prefixes ?? []).map((p) => `${escapeRegExp(p)}.*`),
    ...(rule.exact ?? []).map(escapeRegExp),
  ];
  return {
    category: rule.category,
    word: alternatives.length > 0 ? new RegExp(`^(?:${alternatives.join("|")})$`) : null,
    phrases: rule.phrases ?? [],
  };
});

export function riskCategories(text: string): RiskCategory[] {
  const tokens = tokenize(text);
  const found: RiskCategory[] = [];
  for (const matcher of RISK_MATCHERS) {
    const hit =
      (matcher.word !== null && tokens.some((t) => (matcher.word as RegExp).test(t))) ||
      matcher.phrases.some((phrase) =>
        tokens.some((_, i) => phrase.every((p, k) => tokens[i + k]?.startsWith(p) === true)),
      );
    if (hit) found.push(matcher.category);
  }
  return found;
}

interface GlobShape {
  directory: string;
  top: string;
  recursive: boolean;
  test: boolean;
}

function globShape(glob: string): GlobShape {
  const body = glob.trim().replace(/^!/, "");
  const segments = body.split("/").filter((s) => s !== "" && s !== ".");
  const firstWild = segments.findIndex((s) => /[*?[\]{}]/.test(s));
  const dirSegments = firstWild === -1 ? segments.slice(0, -1) : segments.slice(0, firstWild);
  const directory = dirSegments.length === 0 ? "." : dirSegments.join("/");
  return {
    directory,
    top: dirSegments[0] ?? ".",
    recursive: body.includes("**"),
    test: tokenize(body).some((t) => TEST_WORDS.has(t)),
  };
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Features that do not depend on the rest of the plan. */
export function localFeatures(task: PlanTask): Omit<ScoreFeatures, "transitiveDependents"> {
  const globs = distinct(task.scope.map((g) => g.trim()).filter((g) => g.length > 0));
  const shapes = globs.map(globShape);
  const prose = [task.title, task.intent, ...task.acceptanceCriteria, ...task.scope].join("\n");
  return {
    globs: globs.length,
    recursiveGlobs: shapes.filter((s) => s.recursive).length,
    directories: new Set(shapes.map((s) => s.directory)).size,
    topDirectories: new Set(shapes.map((s) => s.top)).size,
    testOnly: shapes.length > 0 && shapes.every((s) => s.test),
    dependencies: distinct(task.dependencies.filter((d) => d !== task.id)).length,
    textLength: task.intent.length + task.acceptanceCriteria.reduce((n, c) => n + c.length, 0),
    criteria: task.acceptanceCriteria.length,
    verification: task.verification.length,
    manualSteps: task.manualSteps.length,
    risks: riskCategories(prose),
  };
}

/**
 * Tasks that depend on `task`, directly or transitively, not passing through cancelled
 * ones; counted as a set of ids so the plan's order and duplicates do not matter.
 */
function transitiveDependentsOf(task: PlanTask, plan: readonly PlanTask[]): number {
  if (task.status === "cancelled") return 0;
  const dependentsOf = new Map<string, Set<string>>();
  for (const t of plan) {
    if (t.status === "cancelled") continue;
    for (const d of t.dependencies) {
      let set = dependentsOf.get(d);
      if (set === undefined) dependentsOf.set(d, (set = new Set()));
      set.add(t.id);
    }
  }
  const seen = new Set<string>([task.id]);
  const queue = [task.id];
  for (let head = 0; head < queue.length; head++) {
    for (const d of dependentsOf.get(queue[head] as string) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        queue.push(d);
      }
    }
  }
  return seen.size - 1;
}

export function scoreFeatures(task: PlanTask, plan: readonly PlanTask[]): ScoreFeatures {
  return { ...localFeatures(task), transitiveDependents: transitiveDependentsOf(task, plan) };
}

function step(x: number, thresholds: readonly number[]): number {
  return thresholds.filter((t) => x >= t).length;
}

function clamp(x: number): number {
  return Math.max(1, Math.min(5, x));
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function describeScope(f: ScoreFeatures): string {
  if (f.globs === 0) return "no scope declared";
  const recursive = f.recursiveGlobs > 0 ? `, ${f.recursiveGlobs} recursive` : "";
  return `scope of ${plural(f.globs, "glob")}${recursive} in ${plural(f.directories, "directory", "directories")}`;
}

function computed(value: number, parts: readonly string[]): ScoreValue {
  return { value, reason: parts.join("; "), source: "computed" };
}

/** The six computed scores for a feature set; exported so the formula can be tested alone. */
export function scoresFromFeatures(f: ScoreFeatures): TaskScores {
  const breadth = f.globs + f.recursiveGlobs + Math.max(0, f.directories - 1);
  const scopePts = step(breadth, [3, 6, 10, 16]);
  const textPts = step(f.textLength, [300, 800, 1600, 3000]);
  const criteriaPts = step(f.criteria, [3, 5, 8, 12]);
  const scope = describeScope(f);
  const text = `${f.textLength} chars of intent and criteria`;
  const criteria = plural(f.criteria, "acceptance criterion", "acceptance criteria");

  const complexityParts = [criteria, text, scope];
  if (f.dependencies >= 3) complexityParts.push(plural(f.dependencies, "dependency", "dependencies"));
  if (f.risks.length >= 2) complexityParts.push(`risk areas: ${f.risks.join(", ")}`);
  const complexity = 1 + step(
    scopePts + criteriaPts + textPts + step(f.dependencies, [3, 6]) + (f.risks.length >= 2 ? 1 : 0),
    [1, 3, 5, 8],
  );

  const contextParts = [scope, text];
  if (f.dependencies > 0) contextParts.push(`${plural(f.dependencies, "dependency", "dependencies")} to understand`);
  if (f.topDirectories >= 3) contextParts.push(`spans ${f.topDirectories} top-level directories`);
  const contextLoad =
    1 + step(scopePts + textPts + step(f.dependencies, [1, 3, 6]) + (f.topDirectories >= 3 ? 1 : 0), [1, 3, 5, 8]);

  const impact = f.risks.filter((r) => IMPACT_RISKS.has(r));
  const blastParts = [scope];
  if (f.testOnly) blastParts.push("tests only");
  blastParts.push(f.transitiveDependents > 0 ? `unblocks ${plural(f.transitiveDependents, "task")}` : "nothing depends on it");
  if (impact.length > 0) blastParts.push(`touches ${impact.join(", ")}`);
  const blastRadius =
    1 +
    step(
      Math.max(
        0,
        scopePts +
          step(f.transitiveDependents, [1, 3, 6, 10]) +
          (impact.length > 0 ? 2 : 0) +
          (impact.length >= 2 ? 1 : 0) +
          (f.globs === 0 ? 1 : 0) -
          (f.testOnly ? 2 : 0),
      ),
      [1, 3, 5, 7],
    );

  const reviewParts = [f.risks.length > 0 ? `risk areas: ${f.risks.join(", ")}` : "no risk keywords"];
  reviewParts.push(f.verification === 0 ? "no verification command" : plural(f.verification, "verification command"));
  if (f.manualSteps > 0) reviewParts.push(plural(f.manualSteps, "manual step"));
  if (scopePts >= 2) reviewParts.push(scope);
  if (f.criteria >= 8) reviewParts.push(criteria);
  if (f.testOnly) reviewParts.push("tests only");
  const reviewRisk =
    1 +
    step(
      Math.max(
        0,
        (f.risks.length === 0 ? 0 : Math.min(5, 2 + f.risks.length)) +
          (f.verification === 0 ? 2 : 0) +
          (f.manualSteps > 0 ? 1 : 0) +
          Math.floor(scopePts / 2) +
          (f.criteria >= 8 ? 1 : 0) -
          (f.testOnly ? 1 : 0),
      ),
      [1, 3, 5, 7],
    );

  const shared = f.risks.filter((r) => SHARED_RISKS.has(r));
  const parallelParts = [f.globs === 0 ? "no scope declared, so overlap cannot be ruled out" : scope];
  if (f.dependencies >= 2) parallelParts.push(`waits on ${plural(f.dependencies, "dependency", "dependencies")}`);
  if (shared.length > 0) parallelParts.push(`shared resource: ${shared.join(", ")}`);
  const parallelizability =
    5 - Math.min(4, (f.globs === 0 ? 3 : scopePts) + step(f.dependencies, [2, 4]) + (shared.length > 0 ? 1 : 0));

  const agentParts = [
    f.verification === 0 ? "no verification command" : plural(f.verification, "verification command"),
    f.criteria === 0 ? "no acceptance criteria" : criteria,
    f.manualSteps === 0 ? "no manual steps" : plural(f.manualSteps, "manual step"),
  ];
  if (complexity >= 4) agentParts.push(`complexity ${complexity}`);
  if (contextLoad >= 5) agentParts.push(`context load ${contextLoad}`);
  if (f.risks.length >= 2) agentParts.push(`risk areas: ${f.risks.join(", ")}`);
  const agentSuitability = clamp(
    5 -
      (f.verification === 0 ? 2 : 0) -
      (f.criteria === 0 ? 1 : 0) -
      (f.manualSteps === 0 ? 0 : f.manualSteps === 1 ? 2 : 3) -
      (complexity >= 4 ? 1 : 0) -
      (contextLoad >= 5 ? 1 : 0) -
      (f.risks.length >= 2 ? 1 : 0),
  );

  return {
    complexity: computed(complexity, complexityParts),
    parallelizability: computed(parallelizability, parallelParts),
    contextLoad: computed(contextLoad, contextParts),
    blastRadius: computed(blastRadius, blastParts),
    reviewRisk: computed(reviewRisk, reviewParts),
    agentSuitability: computed(agentSuitability, agentParts),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Replaces computed values with the task's overrides. A malformed override is a
 * validation error rather than being clamped or skipped: a silently ignored human
 * decision is worse than a refusal that names it.
 */
function applyOverrides(task: PlanTask, scores: TaskScores): TaskScores {
  const overrides = task.scoreOverrides;
  if (overrides === undefined) return scores;
  const issues: Issue[] = [];
  for (const key of Object.keys(overrides)) {
    if (!(SCORE_DIMENSIONS as readonly string[]).includes(key)) {
      issues.push({
        message: `${task.id}: unknown score dimension "${key}"`,
        pointer: `/scoreOverrides/${key}`,
        hint: `Use one of ${SCORE_DIMENSIONS.join(", ")}.`,
      });
    }
  }
  const out: TaskScores = { ...scores };
  for (const dim of SCORE_DIMENSIONS) {
    const o = overrides[dim];
    if (o === undefined) continue;
    const reason = oneLine(o.reason);
    if (!Number.isInteger(o.value) || o.value < 1 || o.value > 5) {
      issues.push({
        message: `${task.id}: override of ${dim} is ${o.value}, not an integer from 1 to 5`,
        pointer: `/scoreOverrides/${dim}/value`,
      });
    }
    if (reason.length === 0) {
      issues.push({ message: `${task.id}: override of ${dim} has no reason`, pointer: `/scoreOverrides/${dim}/reason` });
    }
    const base = scores[dim];
    out[dim] = {
      value: o.value,
      reason,
      source: "override",
      actor: o.actor,
      overriddenReason: base.reason,
      computedValue: base.value,
    };
  }
  if (issues.length > 0) {
    throw new ValidationError(`invalid score overrides on task ${task.id}`, issues, {
      hint: "Set the score again with a value from 1 to 5 and a reason.",
    });
  }
  return out;
}

/**
 * Scores of one task when the caller already knows how many tasks it unblocks (from
 * transitiveDependentsCount), so ranking many tasks does not search the plan per task.
 */
export function scoreTaskWith(task: PlanTask, transitiveDependents: number): TaskScores {
  return applyOverrides(task, scoresFromFeatures({ ...localFeatures(task), transitiveDependents }));
}

/** Scores of one task within its plan (the plan supplies what depends on it). */
export function computeScores(task: PlanTask, plan: readonly PlanTask[]): TaskScores {
  return applyOverrides(task, scoresFromFeatures(scoreFeatures(task, plan)));
}

/**
 * Scores of every task in the plan at once, keyed by id; same values as computeScores
 * but the dependents are counted in one pass instead of once per task.
 */
export function computeAllScores(plan: readonly PlanTask[]): Map<string, TaskScores> {
  const graph = buildGraph(plan);
  const unblocks = countTransitiveDependents(graph, (v) => graph.tasks[v]?.status !== "cancelled");
  const out = new Map<string, TaskScores>();
  graph.tasks.forEach((task, v) => out.set(task.id, scoreTaskWith(task, unblocks[v] as number)));
  return out;
}
