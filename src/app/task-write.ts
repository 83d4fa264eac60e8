import { GateRefusedError, InvalidTransitionError, UsageError } from "../errors.js";
import type { ContentPatch } from "../domain/task/edit.js";
import { editTaskContent, validateTaskInPlan } from "../domain/task/edit.js";
import { contentText } from "../domain/task/content.js";
import { readinessFindings } from "../domain/task/readiness.js";
import { computeScores, type ScoreDimension, SCORE_DIMENSIONS } from "../domain/planning/index.js";
import type { TaskDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { sha256 } from "./hash.js";
import { taskPath } from "./state/documents.js";
import { toPlanTask } from "./state/planning.js";
import { readPlan } from "./state/plan.js";
import { allTasks, getSpec, getTask, resolveSpecId, resolveTaskId } from "./state/tasks.js";

export interface TaskAddInput extends ContentPatch {
  title: string;
  spec?: string;
}

/** Adds a task outside any PRD; its id is random, so two machines never mint the same one. */
export async function addTask(ctx: AppContext, input: TaskAddInput): Promise<{ task: TaskDoc; commit: string }> {
  const localId = `t-${ctx.newId()}`;
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const specId = input.spec ? resolveSpecId(snap, input.spec) : null;
    const resolve = (ref: string) => resolveTaskId(snap, ref);
    const now = ctx.now().toISOString();
    const content = {
      title: input.title,
      intent: input.intent ?? "",
      priority: input.priority ?? "medium",
      feature: input.feature ?? null,
      parent: input.parent ? resolve(input.parent) : null,
      acceptanceCriteria: input.acceptanceCriteria ?? [],
      verification: input.verification ?? [],
      scope: input.scope ?? [],
      nonGoals: input.nonGoals ?? [],
      dependencies: (input.dependencies ?? []).map(resolve),
      requiredEvidence: input.requiredEvidence ?? [],
      manualSteps: input.manualSteps ?? [],
    };
    const task: TaskDoc = { id: specId ? `${specId}.${localId}` : localId, spec: specId, localId, status: "draft", ...content, contentHash: sha256(contentText(content)), createdAt: now, updatedAt: now };
    validateTaskInPlan(task, allTasks(snap));
    return { changes: [{ path: taskPath(task.id), value: task }], commit: commitInfo(ctx, "task-add", `add task ${task.id}: ${task.title}`, { task: task.id }), result: task };
  });
  return { task: res.result, commit: res.commit as string };
}

export async function editTask(ctx: AppContext, ref: string, patch: ContentPatch): Promise<{ task: TaskDoc; fields: string[]; statusChange?: { from: string; to: string }; commit: string | null }> {
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const id = resolveTaskId(snap, ref);
    const before = getTask(snap, id) as TaskDoc;
    const resolved: ContentPatch = { ...patch };
    if (patch.dependencies) resolved.dependencies = patch.dependencies.map((d) => resolveTaskId(snap, d));
    if (patch.parent) resolved.parent = resolveTaskId(snap, patch.parent);
    const edit = editTaskContent(before, resolved, ctx.now().toISOString(), sha256);
    if (edit.fields.length === 0) return { noop: true as const, result: edit };
    validateTaskInPlan(edit.task, allTasks(snap));
    return { changes: [{ path: taskPath(id), value: edit.task }], commit: commitInfo(ctx, "task-edit", `edit task ${id}: ${edit.fields.join(", ")}`, { task: id }), result: edit };
  });
  return { ...res.result, commit: res.commit };
}

export async function cancelTask(ctx: AppContext, ref: string, reason: string): Promise<{ task: TaskDoc; commit: string }> {
  if (!reason.trim()) throw new UsageError("cancelling a task needs --reason");
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const id = resolveTaskId(snap, ref);
    const before = getTask(snap, id) as TaskDoc;
    if (before.status === "done" || before.status === "cancelled") throw new InvalidTransitionError("task", id, before.status, "cancel");
    const now = ctx.now().toISOString();
    const task: TaskDoc = { ...before, status: "cancelled", cancelled: { reason, by: ctx.actor.name, at: now }, updatedAt: now };
    return { changes: [{ path: taskPath(id), value: task }], commit: commitInfo(ctx, "task-cancel", `cancel task ${id}`, { task: id }, reason), result: task };
  });
  return { task: res.result, commit: res.commit as string };
}

export interface TaskReviewInput {
  task: string;
  verdict: "approve" | "request-changes";
  note?: string;
}

/** The readiness review: draft → ready when the gate holds, bound to the content reviewed. */
export async function reviewTaskReadiness(ctx: AppContext, input: TaskReviewInput): Promise<{ task: TaskDoc; commit: string }> {
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const id = resolveTaskId(snap, input.task);
    const before = getTask(snap, id) as TaskDoc;
    if (before.status !== "draft") throw new InvalidTransitionError("task", id, before.status, `${input.verdict} readiness`, "Only draft tasks are reviewed for readiness.");
    const now = ctx.now().toISOString();
    if (input.verdict === "request-changes") {
      return { changes: [{ path: taskPath(id), value: { ...before, updatedAt: now } }], commit: commitInfo(ctx, "task-review", `request changes on task ${id}`, { task: id, extra: [["Planref-Verdict", "request-changes"]] }, input.note), result: before };
    }
    const findings = readinessFindings(before, before.spec ? getSpec(snap, before.spec) : undefined);
    if (findings.length > 0) {
      throw new GateRefusedError(`task ${id} is not ready: ${findings.map((f) => f.message).join("; ")}`, {
        hint: "Add what is missing (planref task edit), or approve the spec (planref spec review --approve).",
        data: { task: id, findings },
      });
    }
    const task: TaskDoc = { ...before, status: "ready", readiness: { by: ctx.actor.name, at: now, contentHash: before.contentHash }, updatedAt: now };
    return { changes: [{ path: taskPath(id), value: task }], commit: commitInfo(ctx, "task-review", `approve readiness of task ${id}`, { task: id, extra: [["Planref-Verdict", "approve"]] }, input.note), result: task };
  });
  return { task: res.result, commit: res.commit as string };
}

export interface ScoreOverrideInput {
  task: string;
  dimension: string;
  value: number;
  reason: string;
}

export async function overrideScore(ctx: AppContext, input: ScoreOverrideInput): Promise<{ task: TaskDoc; commit: string }> {
  if (!SCORE_DIMENSIONS.includes(input.dimension as ScoreDimension)) {
    throw new UsageError(`unknown score dimension "${input.dimension}"`, { hint: `Use one of: ${SCORE_DIMENSIONS.join(", ")}.` });
  }
  if (!input.reason.trim()) throw new UsageError("a score override needs --reason");
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const id = resolveTaskId(snap, input.task);
    const before = getTask(snap, id) as TaskDoc;
    const now = ctx.now().toISOString();
    const task: TaskDoc = {
      ...before,
      scoreOverrides: { ...before.scoreOverrides, [input.dimension]: { value: input.value, reason: input.reason, actor: ctx.actor.name, at: now } },
      updatedAt: now,
    };
    // The domain rejects values outside 1..5 before anything is written.
    computeScores(toPlanTask(task), [toPlanTask(task)]);
    return { changes: [{ path: taskPath(id), value: task }], commit: commitInfo(ctx, "score", `set ${input.dimension}=${input.value} on task ${id}`, { task: id }, input.reason), result: task };
  });
  return { task: res.result, commit: res.commit as string };
}
