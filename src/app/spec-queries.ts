import type { SpecDoc, TaskDoc } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { allSpecs, allTasks, getSpec, resolveSpecId } from "./state/tasks.js";

export interface SpecSummary {
  id: string;
  title: string;
  status: SpecDoc["status"];
  sourceFile: string;
  contentHash: string;
  approvedFor: string | null;
  tasks: number;
  openDecisions: number;
}

export async function listSpecs(ctx: AppContext): Promise<SpecSummary[]> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  const tasks = allTasks(snap);
  return allSpecs(snap).map((s) => summarize(s, tasks));
}

export async function showSpec(ctx: AppContext, ref: string): Promise<{ spec: SpecDoc; tasks: Array<Pick<TaskDoc, "id" | "localId" | "title" | "status" | "priority">> }> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  const spec = getSpec(snap, resolveSpecId(snap, ref)) as SpecDoc;
  const tasks = allTasks(snap)
    .filter((t) => t.spec === spec.id)
    .map((t) => ({ id: t.id, localId: t.localId, title: t.title, status: t.status, priority: t.priority }));
  return { spec, tasks };
}

export async function specSource(ctx: AppContext, ref: string): Promise<string> {
  const snap = await loadSnapshot(ctx);
  const id = resolveSpecId(snap, ref);
  return snap.get(`specs/${id}/source.md`) as string;
}

export interface DecisionReport {
  spec: string;
  decisions: SpecDoc["decisions"];
  openQuestions: SpecDoc["openQuestions"];
  tasksMissingCriteria: string[];
  tasksMissingVerification: string[];
}

/** What still needs a human: NEEDS DECISION markers, open questions, tasks the readiness gate will refuse. */
export async function specDecisions(ctx: AppContext, ref: string): Promise<DecisionReport> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  const spec = getSpec(snap, resolveSpecId(snap, ref)) as SpecDoc;
  return decisionReport(spec, allTasks(snap));
}

/** The decision report of one spec, from all tasks (its own, not cancelled, are picked here). */
export function decisionReport(spec: SpecDoc, allTasks: readonly TaskDoc[]): DecisionReport {
  const tasks = allTasks.filter((t) => t.spec === spec.id && t.status !== "cancelled");
  return {
    spec: spec.id,
    decisions: spec.decisions,
    openQuestions: spec.openQuestions,
    tasksMissingCriteria: tasks.filter((t) => t.acceptanceCriteria.length === 0).map((t) => t.id),
    tasksMissingVerification: tasks.filter((t) => t.verification.length === 0).map((t) => t.id),
  };
}

export function summarize(s: SpecDoc, tasks: readonly TaskDoc[]): SpecSummary {
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    sourceFile: s.sourceFile,
    contentHash: s.contentHash,
    approvedFor: s.approval?.contentHash ?? null,
    tasks: tasks.filter((t) => t.spec === s.id && t.status !== "cancelled").length,
    openDecisions: s.decisions.length + s.openQuestions.length,
  };
}
