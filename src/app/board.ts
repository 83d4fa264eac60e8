import { parseDuration } from "../domain/claims/duration.js";
import type { WavePlan } from "../domain/planning/index.js";
import type { ReviewDoc, SubmissionDoc } from "../schema/types.js";
import type { DocStore, Snapshot } from "../store/types.js";
import type { AppContext } from "./context.js";
import { applyTask, type GateReport } from "./apply.js";
import { listEvidence } from "./evidence.js";
import { taskPacket, type PacketResult } from "./packet.js";
import { waves } from "./planning.js";
import { sha256 } from "./hash.js";
import { type DecisionReport, decisionReport, type SpecSummary, summarize } from "./spec-queries.js";
import { loadSnapshot, readPlan, withFormatCheck } from "./state/plan.js";
import { toPlanTask } from "./state/planning.js";
import { latest, taskReviews, taskSubmissions } from "./state/records.js";
import { allSpecs, allTasks } from "./state/tasks.js";
import { type ClaimRow, getStatus, type StatusResult } from "./status.js";
import { showTask, type TaskDetail, type TaskRow } from "./task-queries.js";

export interface BoardTask extends TaskRow {
  /** Column of the parallel schedule (0-based), or null for done and unschedulable tasks. */
  wave: number | null;
}

export interface BoardClaim extends ClaimRow {
  /** Seconds until anyone may take the task over (expiry plus the skew margin); negative once stale. */
  staleInSeconds: number;
}

export type BoardSpec = SpecSummary & { open: DecisionReport };

export interface BoardOverview {
  /** The commit every part of this view was read at or after; a newer tip means "refresh". */
  tip: string;
  project: string;
  ref: string;
  /** The server's clock when the view was assembled, so countdowns do not depend on the browser's. */
  now: string;
  skewSeconds: number;
  tasks: BoardTask[];
  byStatus: Record<string, number>;
  ready: string[];
  claims: BoardClaim[];
  waves: WavePlan;
  /** False while the waves shown were planned before the latest change (see BoardInput). */
  wavesCurrent: boolean;
  specs: BoardSpec[];
  /** Operations a sync could not replay on a remote's state, not yet acknowledged. */
  conflicts: StatusResult["conflicts"];
}

export interface BoardTaskDetail extends TaskDetail {
  packet: PacketResult;
  evidence: Awaited<ReturnType<typeof listEvidence>>["evidence"];
  /** The done gate as `apply --dry-run` reports it. */
  gate: GateReport;
  submission: SubmissionDoc | null;
  reviews: ReviewDoc[];
}

/** What the board shows that depends only on the commit. */
interface BoardBase {
  tasks: TaskRow[];
  specs: BoardSpec[];
  skewSeconds: number;
  /** A digest of every task as the planner sees it: equal digests and live claims mean equal waves. */
  planInputs: string;
}

interface Planned {
  /** The planning inputs the plan was made from: the task digest and the live claims. */
  key: string;
  plan: WavePlan;
  seq: number;
}

interface Planner {
  done: Planned | null;
  running: { key: string; promise: Promise<Planned> } | null;
  seq: number;
}

/**
 * The last wave plan per store, reused while the planning inputs are unchanged: most commits
 * (heartbeats, evidence) move the tip without changing what the planner sees, and planning
 * 2,000 tasks costs a few hundred milliseconds.
 */
const planners = new WeakMap<DocStore, Planner>();

/**
 * The waves for `key`. With `wait` false and an older plan at hand, that plan is returned at
 * once (`current: false`) while the new one is made after the caller's response is out: a
 * page must not lag behind a claim for as long as planning thousands of tasks takes.
 */
async function planFor(ctx: AppContext, key: string, wait: boolean): Promise<{ plan: WavePlan; current: boolean }> {
  const planner = planners.get(ctx.store) ?? { done: null, running: null, seq: 0 };
  planners.set(ctx.store, planner);
  if (planner.done?.key === key) return { plan: planner.done.plan, current: true };
  if (planner.running?.key !== key) {
    const seq = ++planner.seq;
    const start = wait || !planner.done ? Promise.resolve() : new Promise<void>((r) => setTimeout(r, 0));
    const promise = start
      .then(() => waves(ctx))
      .then((plan) => {
        const made = { key, plan, seq };
        // A slower, older plan never replaces a newer one.
        if (!planner.done || planner.done.seq < seq) planner.done = made;
        return made;
      })
      .finally(() => {
        if (planner.running?.promise === promise) planner.running = null;
      });
    planner.running = { key, promise };
  }
  const running = planner.running as { promise: Promise<Planned> };
  if (wait || !planner.done) return { plan: (await running.promise).plan, current: true };
  // A failure here shows on the next request, which plans again and waits if it has to.
  running.promise.catch(() => {});
  return { plan: planner.done.plan, current: false };
}

/** The tip alone: what the board polls to notice that another process wrote. */
export async function boardTip(ctx: AppContext): Promise<{ tip: string | null }> {
  return { tip: await ctx.store.tip() };
}

/**
 * The task table, specs and open decisions in one pass per commit. They are the rows of
 * `task list`, `spec list` and `spec decisions`; assembled from those use cases instead,
 * every commit would sort all tasks four times over (~0.2 s at 2,000 tasks).
 */
function boardBase(snap: Snapshot): BoardBase {
  const plan = readPlan(snap);
  const tasks = allTasks(snap);
  const status = new Map(tasks.map((t) => [t.id, t.status]));
  const open = tasks.filter((t) => t.status !== "cancelled");
  // The rows of `spec list` and `spec decisions`, from the tasks already read.
  const specs = allSpecs(snap).map((s): BoardSpec => ({ ...summarize(s, tasks), open: decisionReport(s, tasks) }));
  return {
    tasks: open.map((t) => ({
      id: t.id,
      localId: t.localId,
      spec: t.spec,
      title: t.title,
      status: t.status,
      priority: t.priority,
      dependencies: t.dependencies,
      blockedBy: t.dependencies.filter((d) => status.get(d) !== "done"),
    })),
    specs,
    skewSeconds: parseDuration(plan.settings.claims.skewMargin, "skewMargin"),
    planInputs: sha256(JSON.stringify(tasks.map(toPlanTask))),
  };
}

export interface BoardInput {
  /**
   * "wait" (the default) plans the waves for the current state before answering; "latest"
   * answers at once with the last plan made when the planning inputs just changed, and makes
   * the new one in the background (`wavesCurrent` says which one was served).
   */
  waves?: "wait" | "latest";
}

/** Everything the board's first screen shows: status and waves from their use cases, the tables derived once per commit. */
export async function boardOverview(ctx: AppContext, input: BoardInput = {}): Promise<BoardOverview> {
  const status = await getStatus(ctx);
  const { value: base } = await withFormatCheck(() => ctx.store.derive("board-v1", boardBase));
  const live = status.claims.filter((c) => c.state !== "stale").map((c) => `${c.task}@${c.epoch}`).sort();
  const { plan, current } = await planFor(ctx, `${base.planInputs}|${live.join(",")}`, input.waves !== "latest");
  const waveOf = new Map<string, number>();
  plan.waves.forEach((ids, i) => ids.forEach((id) => waveOf.set(id, i)));
  return {
    tip: status.tip,
    project: status.project,
    ref: status.ref,
    now: ctx.now().toISOString(),
    skewSeconds: base.skewSeconds,
    tasks: base.tasks.map((r) => ({ ...r, wave: waveOf.get(r.id) ?? null })),
    byStatus: status.tasks.byStatus,
    ready: status.ready,
    claims: status.claims.map((c) => ({ ...c, staleInSeconds: c.secondsLeft + base.skewSeconds })),
    waves: plan,
    wavesCurrent: current,
    specs: base.specs,
    conflicts: status.conflicts,
  };
}

/** One task as the board's side panel shows it: content, packet, evidence, the gate report, the submission under review. */
export async function boardTask(ctx: AppContext, input: { task: string }): Promise<BoardTaskDetail> {
  const detail = await showTask(ctx, input.task);
  const id = detail.task.id;
  const packet = await taskPacket(ctx, { task: id });
  const { evidence } = await listEvidence(ctx, { task: id });
  const { report } = await applyTask(ctx, { task: id, dryRun: true });
  const snap = await loadSnapshot(ctx);
  return {
    ...detail,
    packet,
    evidence,
    gate: report,
    submission: latest(taskSubmissions(snap, id)) ?? null,
    reviews: taskReviews(snap, id),
  };
}
