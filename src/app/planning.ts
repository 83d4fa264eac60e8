import {
  assessClaimability,
  type Candidate,
  explainNothing,
  computeAllScores,
  expansionAdvice,
  type ExpansionAdvice,
  type NextPick,
  pickNext,
  planWaves,
  type TaskScores,
  type WavePlan,
} from "../domain/planning/index.js";
import { UsageError } from "../errors.js";
import type { TaskDoc } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { leaseClock } from "./state/claims.js";
import { CLAIMS, PLAN_PATH, TASKS } from "./state/documents.js";
import { overlaps, planningView, toPlanTask } from "./state/planning.js";
import { loadSnapshot, readPlan, withFormatCheck } from "./state/plan.js";
import { allClaims } from "./state/claims.js";
import { HELD_STATUSES, isLive } from "../domain/claims/lease.js";
import { parseDuration } from "../domain/claims/duration.js";
import { ScopePrefixIndex } from "../domain/globs/index.js";
import type { ClaimDoc } from "../schema/types.js";
import type { Snapshot } from "../store/types.js";
import { allTasks, carryTaskTable, getTask, resolveTaskId, type TaskTable, taskTable } from "./state/tasks.js";

const TOP = 200;

interface RankedBase {
  /** The best candidates in full, assuming nothing is claimed. */
  top: Candidate[];
  /** Every candidate's id and scope, in rank order, for counting what live claims leave. */
  all: Array<[string, string[]]>;
  notClaimable: { count: number; byCode: Record<string, number>; sample: NextPick["notClaimable"] };
  /** The domain's explanation for when nothing at all is claimable. */
  nothing: string;
  claims: ClaimDoc[];
  skewMargin: string;
}

type Ranking = Omit<RankedBase, "claims" | "skewMargin">;

/**
 * Kept per task table and asker: a commit that changed no task (a heartbeat, evidence, a
 * claim) re-ranks nothing, which at 10,000 tasks is most of the cost of `next`.
 */
const rankings = new WeakMap<TaskTable, Map<string, Ranking>>();

/**
 * A task as the ranking and the wave plan see it: its reading order, and the planner's fields
 * with a held task as ready (live claims, which tell held from ready, are applied separately).
 */
function rankedAs(t: TaskDoc): unknown {
  const p = toPlanTask(t);
  return { spec: t.spec, localId: t.localId, ...p, status: HELD_STATUSES.has(p.status) ? "ready" : p.status };
}

const PLANNER_READS = { prefixes: [`${TASKS}/`], project: (_path: string, doc: unknown) => rankedAs(doc as TaskDoc) };

function ranking(snap: Snapshot, actor: string, kind: string): Ranking {
  const table = taskTable(snap);
  const key = `${actor}\0${kind}`;
  const known = rankings.get(table) ?? new Map<string, Ranking>();
  rankings.set(table, known);
  let r = known.get(key);
  if (!r) {
    const tasks = table.sorted.map((t) => {
      const p = toPlanTask(t);
      return HELD_STATUSES.has(t.status) ? { ...p, status: "ready" as const } : p;
    });
    const input = { tasks, liveClaims: [], actor, kind, overlaps };
    const { ranked, notClaimable } = assessClaimability(input);
    const scope = new Map(tasks.map((t) => [t.id, t.scope]));
    const byCode: Record<string, number> = {};
    for (const n of notClaimable) for (const c of n.codes) byCode[c] = (byCode[c] ?? 0) + 1;
    r = {
      top: ranked.slice(0, TOP),
      all: ranked.map((c) => [c.id, scope.get(c.id) ?? []]),
      notClaimable: { count: notClaimable.length, byCode, sample: notClaimable.slice(0, 20) },
      nothing: ranked.length === 0 ? explainNothing(input, notClaimable) : "",
    };
    known.set(key, r);
  }
  return r;
}

/**
 * `next`: the best claimable task for the acting actor. The order (documented in
 * src/domain/planning/order.ts) is priority, then how much work finishing it unblocks,
 * then scores suited to the kind of actor asking, then id. Every front end calls this.
 *
 * The ranking depends only on the commit, so it is computed once per commit and kind with
 * the domain's assessClaimability (claims aside); live claims, which change with the clock,
 * then remove what they hold or overlap.
 */
export async function nextTask(ctx: AppContext, input: { kind?: string } = {}): Promise<NextPick> {
  const kind = input.kind ?? ctx.actor.kind;
  await carryTaskTable(ctx.store);
  // The ranking reads tasks only, and sees a held task as ready: a commit that changed no task
  // (a heartbeat, evidence, a setting) or only moved tasks between ready and held (a claim,
  // the first heartbeat, a release) carries it. The live claims are a view of their own.
  const [{ value: ranked }, { value: claims }] = await withFormatCheck(() =>
    Promise.all([ctx.store.derive<Ranking>(`next-ranking-v1-${kind}`, (snap) => ranking(snap, ctx.actor.name, kind), undefined, PLANNER_READS), liveClaimsView(ctx)]),
  );
  const base: RankedBase = { ...ranked, claims: claims.claims, skewMargin: claims.skewMargin };
  const clock = { now: ctx.now().getTime(), skewSeconds: parseDuration(base.skewMargin, "skewMargin") };
  const live = base.claims.filter((c) => isLive(c, clock));
  const { claimable, best, rank } = fitToClaims(base, live);
  if (!best && claimable > 0) {
    // Live claims took every precomputed candidate: rank the rest the slow way.
    const snap = await loadSnapshot(ctx);
    const view = planningView(snap, leaseClock(ctx, readPlan(snap)));
    return pickNext({ tasks: view.tasks, liveClaims: view.liveClaims, actor: ctx.actor.name, kind, overlaps });
  }
  const blockedByClaims = base.all.length - claimable;
  const notClaimable = { ...base.notClaimable };
  if (!best) {
    const why = base.all.length === 0 ? base.nothing : `nothing is claimable: ${base.all.length === 1 ? "the only candidate is" : `all ${base.all.length} candidates are`} held by or overlap live claims`;
    return { candidate: null, reason: why, claimableCount: 0, notClaimable: notClaimable.sample };
  }
  return {
    candidate: { ...best, rank },
    reason: `${best.id} is the best of ${claimable} claimable: ${best.reasons.join("; ")}${blockedByClaims ? ` (${blockedByClaims} more are held by or overlap live claims)` : ""}`,
    claimableCount: claimable,
    notClaimable: notClaimable.sample,
  };
}

interface Fit {
  /** The key of the live claims it was made for: who holds what scope. */
  key: string;
  claimable: number;
  best: Candidate | undefined;
  rank: number;
}

/**
 * Kept per ranking for the last set of live claims: heartbeats renew leases without changing
 * what they hold, so a server answering `next` between them checks no candidate's scope again.
 */
const fits = new WeakMap<RankedBase["all"], Fit>();

/** What the live claims leave of the ranking: how many candidates, and the best of them. */
function fitToClaims(base: RankedBase, live: ClaimDoc[]): Fit {
  const key = live.map((c) => JSON.stringify([c.task, c.scope])).sort().join("\n");
  const known = fits.get(base.all);
  if (known?.key === key) return known;
  const held = new Set(live.map((c) => c.task));
  const index = new ScopePrefixIndex<number>();
  live.forEach((c, i) => index.add(i, c.scope));
  // With nothing live there is nothing to overlap: skip compiling every candidate's globs.
  const free = (id: string, scope: string[]) =>
    live.length === 0 || (!held.has(id) && [...index.candidates(scope)].every((i) => !overlaps(scope, (live[i] as ClaimDoc).scope)));
  const claimable = base.all.filter(([id, scope]) => free(id, scope));
  const scopeOf = new Map(base.all);
  const best = base.top.find((c) => free(c.id, scopeOf.get(c.id) ?? []));
  const fit = { key, claimable: claimable.length, best, rank: best ? claimable.findIndex(([id]) => id === best.id) + 1 : 0 };
  fits.set(base.all, fit);
  return fit;
}

/**
 * `waves`: the parallel schedule. It depends on the documents and on which claims are live
 * now, so it is cached under the commit and the set of live claims.
 */
export async function waves(ctx: AppContext, input: { agents?: number } = {}): Promise<WavePlan> {
  if (input.agents !== undefined && (!Number.isInteger(input.agents) || input.agents < 1)) throw new UsageError(`--agents must be a positive whole number, got ${input.agents}`);
  const { value: claims } = await withFormatCheck(() => liveClaimsView(ctx));
  const clock = { now: ctx.now().getTime(), skewSeconds: parseDuration(claims.skewMargin, "skewMargin") };
  const live = claims.claims.filter((c) => isLive(c, clock)).map((c) => `${c.task}@${c.epoch}`).sort();
  const key = `${input.agents ?? "-"}|${live.join(",")}`;
  // The key names the live claims (task and epoch, which fix their scopes), so beyond it the
  // schedule reads tasks only, seeing held ones as ready, and is carried across commits that
  // changed none in a way it sees (a first heartbeat moves its task from claimed to in_progress).
  const { value } = await ctx.store.derive(
    "waves-v1",
    (snap) => {
      const view = planningView(snap, leaseClock(ctx, readPlan(snap)));
      return planWaves({ tasks: view.tasks, liveClaims: view.liveClaims, overlaps, ...(input.agents ? { agents: input.agents } : {}) });
    },
    key,
    PLANNER_READS,
  );
  return value;
}

/** The live claims and the skew margin that judges them: small, and read by every planning answer. */
function liveClaimsView(ctx: AppContext) {
  return ctx.store.derive("live-claims-v1", (snap) => ({ claims: allClaims(snap).filter((c) => c.state === "live"), skewMargin: readPlan(snap).settings.claims.skewMargin }), undefined, [`${CLAIMS}/`, PLAN_PATH]);
}

export interface ScoreReport {
  scores: Array<{ id: string; title: string; status: TaskDoc["status"]; scores: TaskScores }>;
  expansion: ExpansionAdvice[];
}

export async function scoreTasks(ctx: AppContext, input: { task?: string } = {}): Promise<ScoreReport> {
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const view = planningView(snap, leaseClock(ctx, plan));
  const all = computeAllScores(view.tasks);
  const ids = input.task ? [resolveTaskId(snap, input.task)] : view.tasks.filter((t) => t.status !== "cancelled" && t.status !== "done").map((t) => t.id);
  const wanted = new Set(ids);
  return {
    scores: ids.map((id) => {
      const t = getTask(snap, id) as TaskDoc;
      return { id, title: t.title, status: t.status, scores: all.get(id) as TaskScores };
    }),
    expansion: expansionAdvice(view.tasks.filter((t) => wanted.has(t.id)), view.tasks),
  };
}

export type GraphFormat = "mermaid" | "dot" | "json";

export interface GraphData {
  nodes: Array<{ id: string; title: string; status: TaskDoc["status"]; priority: TaskDoc["priority"]; wave: number | null }>;
  edges: Array<{ from: string; to: string }>;
}

/** The dependency graph; an edge `from → to` means `to` depends on `from`. */
export async function taskGraph(ctx: AppContext): Promise<GraphData> {
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const tasks = allTasks(snap).filter((t) => t.status !== "cancelled");
  const view = planningView(snap, leaseClock(ctx, plan));
  const schedule = planWaves({ tasks: view.tasks, liveClaims: view.liveClaims, overlaps });
  const waveOf = new Map<string, number>();
  schedule.waves.forEach((w, i) => w.forEach((id) => waveOf.set(id, i)));
  const ids = new Set(tasks.map((t) => t.id));
  return {
    nodes: tasks.map((t) => ({ id: t.id, title: t.title, status: t.status, priority: t.priority, wave: waveOf.get(t.id) ?? null })),
    edges: tasks.flatMap((t) => t.dependencies.filter((d) => ids.has(d)).map((d) => ({ from: d, to: t.id }))),
  };
}

export function renderGraph(graph: GraphData, format: Exclude<GraphFormat, "json">): string {
  const label = (s: string) => s.replace(/["\\]/g, "'").replace(/[\r\n]+/g, " ");
  const key = new Map(graph.nodes.map((n, i) => [n.id, `t${i}`]));
  if (format === "mermaid") {
    const lines = ["flowchart LR"];
    for (const n of graph.nodes) lines.push(`  ${key.get(n.id)}["${label(n.id)}: ${label(n.title)}<br/>${n.status}"]:::${n.status}`);
    for (const e of graph.edges) lines.push(`  ${key.get(e.from)} --> ${key.get(e.to)}`);
    lines.push(
      "  classDef done fill:#d3f9d8,stroke:#2b8a3e",
      "  classDef ready fill:#e7f5ff,stroke:#1971c2",
      "  classDef claimed fill:#fff3bf,stroke:#e67700",
      "  classDef in_progress fill:#fff3bf,stroke:#e67700",
      "  classDef draft fill:#f1f3f5,stroke:#868e96",
    );
    return `${lines.join("\n")}\n`;
  }
  const lines = ["digraph plan {", "  rankdir=LR;", "  node [shape=box];"];
  for (const n of graph.nodes) lines.push(`  "${label(n.id)}" [label="${label(n.id)}\\n${label(n.title)}\\n${n.status}"];`);
  for (const e of graph.edges) lines.push(`  "${label(e.from)}" -> "${label(e.to)}";`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
