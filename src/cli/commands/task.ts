import type { TaskDetail, TaskRow } from "../../app/task-queries.js";
import { UsageError } from "../../errors.js";
import { TASK_STATUSES, type TaskDoc, type TaskStatus } from "../../schema/types.js";
import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";
import { oneVerdict } from "./spec.js";

const STATUSES: readonly TaskStatus[] = TASK_STATUSES;

function statusFilter(value: unknown): TaskStatus[] | undefined {
  if (typeof value !== "string") return undefined;
  const list = value.split(",").map((s) => s.trim()) as TaskStatus[];
  const bad = list.filter((s) => !STATUSES.includes(s));
  if (bad.length) throw new UsageError(`unknown status ${bad.join(", ")}`, { hint: `Use: ${STATUSES.join(", ")}.` });
  return list;
}

/** Content flags shared by add and edit; a list flag given replaces the whole list. */
function contentPatch(opts: Record<string, unknown>) {
  const list = (k: string) => (Array.isArray(opts[k]) ? (opts[k] as string[]) : undefined);
  const patch: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => v !== undefined && (patch[k] = v);
  set("title", opts.title);
  set("intent", opts.intent);
  set("priority", opts.priority);
  set("parent", opts.parent);
  set("acceptanceCriteria", list("criterion"));
  set("verification", list("verify"));
  set("scope", list("scope"));
  set("dependencies", list("depends"));
  set("nonGoals", list("nonGoal"));
  set("requiredEvidence", list("evidence"));
  set("manualSteps", list("manual"));
  return patch as Partial<Pick<TaskDoc, "title" | "intent" | "priority" | "parent" | "acceptanceCriteria" | "verification" | "scope" | "dependencies" | "nonGoals" | "requiredEvidence" | "manualSteps">>;
}

export function renderRows(rows: TaskRow[]): string {
  if (rows.length === 0) return "no tasks";
  return rows.map((t) => `${t.id.padEnd(28)} ${t.status.padEnd(12)} ${t.priority.padEnd(8)} ${t.title}${t.blockedBy.length ? `  (waits on ${t.blockedBy.join(", ")})` : ""}`).join("\n");
}

export const listCmd: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const status = statusFilter(opts.status);
    const rows = await p.listTasks({
      ...(status ? { status } : {}),
      ...(typeof opts.spec === "string" ? { spec: opts.spec } : {}),
      ready: opts.ready === true,
      includeCancelled: opts.all === true,
    });
    return { data: { tasks: rows }, text: renderRows(rows) };
  });

function renderDetail(d: TaskDetail): string {
  const t = d.task;
  const list = (title: string, items: string[]) => (items.length ? [`${title}:`, ...items.map((i) => `  - ${i}`)] : []);
  return [
    `${t.id}: ${t.title}`,
    `status ${t.status}  priority ${t.priority}${t.spec ? `  spec ${t.spec}` : ""}${t.parent ? `  parent ${t.parent}` : ""}`,
    t.readiness ? `readiness reviewed by ${t.readiness.by}${d.reviewCurrent ? "" : " (content changed since: needs review again)"}` : "",
    "",
    t.intent,
    "",
    ...list("acceptance criteria", t.acceptanceCriteria),
    ...list("verification", t.verification),
    ...list("scope", t.scope),
    ...list("non-goals", t.nonGoals),
    ...list("required evidence", t.requiredEvidence),
    ...list("manual steps", t.manualSteps),
    ...list("depends on", t.dependencies.map((x) => `${x}${d.blockedBy.includes(x) ? " (not done)" : " (done)"}`)),
    ...list("needed by", d.dependents),
    "scores:",
    ...Object.entries(d.scores).map(([k, v]) => `  ${k.padEnd(18)} ${v.value}  ${v.reason}${v.source === "override" ? ` (override by ${v.actor})` : ""}`),
  ]
    .filter((l, i, a) => !(l === "" && a[i - 1] === ""))
    .join("\n");
}

export const showCmd: Handler = (globals, io, args) =>
  withProject(globals, io, async (p) => {
    const d = await p.showTask(String(args[0]));
    return { data: d, text: renderDetail(d) };
  });

export const addCmd: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.addTask({ ...contentPatch(opts), title: String(opts.title), ...(typeof opts.spec === "string" ? { spec: opts.spec } : {}) });
    return { data: { task: r.task, commit: r.commit }, text: `added ${r.task.id} (draft): ${r.task.title}\nnext: planref task review ${r.task.id} --approve` };
  });

export const editCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const patch = contentPatch(opts);
    if (Object.keys(patch).length === 0) throw new UsageError("nothing to change: pass at least one field flag", { hint: "See planref task edit --help." });
    const r = await p.editTask(String(args[0]), patch);
    const text = r.fields.length === 0 ? `task ${r.task.id}: nothing changed` : `task ${r.task.id}: changed ${r.fields.join(", ")}${r.statusChange ? ` (${r.statusChange.from} -> ${r.statusChange.to}: needs a new readiness review)` : ""}`;
    return { data: { task: r.task, fields: r.fields, statusChange: r.statusChange ?? null, commit: r.commit }, text };
  });

export const cancelCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.cancelTask(String(args[0]), String(opts.reason));
    return { data: { task: r.task, commit: r.commit }, text: `task ${r.task.id} cancelled` };
  });

export const reviewCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const verdict = oneVerdict(opts, [
      ["approve", "approve"],
      ["requestChanges", "request-changes"],
    ] as Array<[string, "approve" | "request-changes"]>);
    const r = await p.reviewTask({ task: String(args[0]), verdict, ...(typeof opts.note === "string" ? { note: opts.note } : {}) });
    return { data: { task: r.task.id, status: r.task.status, commit: r.commit }, text: `task ${r.task.id}: ${r.task.status}` };
  });
