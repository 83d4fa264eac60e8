import {
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
import { overlaps, planningView } from "./state/planning.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { allTasks, getTask, resolveTaskId } from "./state/tasks.js";

/**
 * `next`: the best claimable task for the acting actor. The order (documented in
 * src/domain/planning/order.ts) is priority, then how much work finishing it unblocks,
 * then scores suited to the kind of actor asking, then id. Every front end calls this.
 */
export async function nextTask(ctx: AppContext, input: { kind?: string } = {}): Promise<NextPick> {
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const view = planningView(snap, leaseClock(ctx, plan));
  return pickNext({ tasks: view.tasks, liveClaims: view.liveClaims, actor: ctx.actor.name, kind: input.kind ?? ctx.actor.kind, overlaps });
}

export async function waves(ctx: AppContext, input: { agents?: number } = {}): Promise<WavePlan> {
  if (input.agents !== undefined && (!Number.isInteger(input.agents) || input.agents < 1)) throw new UsageError(`--agents must be a positive whole number, got ${input.agents}`);
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const view = planningView(snap, leaseClock(ctx, plan));
  return planWaves({ tasks: view.tasks, liveClaims: view.liveClaims, overlaps, ...(input.agents ? { agents: input.agents } : {}) });
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
