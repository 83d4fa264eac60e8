import { ValidationError, type Issue } from "../../errors.js";

/**
 * Taskmaster's tasks.json, as people leave it: either tagged (`{"<tag>": {"tasks": [...]}}`)
 * or the older single list (`{"tasks": [...]}`). Each tag becomes one PRD in planref's own
 * grammar, imported through the same path as any PRD, so ids, validation, re-import and the
 * approval binding all behave as for a hand-written spec.
 */
interface TmTask {
  id: number | string;
  title?: unknown;
  description?: unknown;
  details?: unknown;
  testStrategy?: unknown;
  status?: unknown;
  priority?: unknown;
  dependencies?: unknown;
  subtasks?: unknown;
}

export interface TaskmasterTag {
  tag: string;
  /** The PRD text generated for the tag. */
  prd: string;
  imported: string[];
  /** Tasks left out, each with why (done and cancelled work is history, not plan). */
  skipped: Array<{ id: string; title: string; status: string }>;
  /** What did not carry over, per task, for the report. */
  notes: Issue[];
}

export interface ConvertOptions {
  file: string;
  /** Only these tags (default: all). */
  tags?: string[];
  /** Import tasks Taskmaster marks done or cancelled too (as drafts). */
  includeDone?: boolean;
}

const LEFT_OUT = new Set(["done", "cancelled"]);
const PRIORITIES = new Set(["low", "medium", "high", "critical"]);

export function taskmasterToPrds(json: unknown, options: ConvertOptions): TaskmasterTag[] {
  const tags = readTags(json, options.file);
  const wanted = options.tags?.length ? options.tags : Object.keys(tags);
  for (const t of wanted) {
    if (!tags[t]) throw new ValidationError(`${options.file}: no tag "${t}" (tags: ${Object.keys(tags).join(", ")})`, [{ path: options.file, message: `no tag "${t}"` }], { hint: "Name one of the tags listed, or leave --tag out to import all." });
  }
  return wanted.map((tag) => convertTag(tag, tags[tag] as TmTask[], options));
}

function readTags(json: unknown, file: string): Record<string, TmTask[]> {
  const bad = (message: string, pointer = ""): never => {
    throw new ValidationError(`${file}: ${message}`, [{ path: file, pointer, message }], { hint: "Pass Taskmaster's .taskmaster/tasks/tasks.json (or tasks/tasks.json of older versions)." });
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return bad("not a Taskmaster tasks.json: expected an object");
  const obj = json as Record<string, unknown>;
  if (Array.isArray(obj.tasks)) return { master: checkTasks(obj.tasks, "/tasks", bad) };
  const out: Record<string, TmTask[]> = {};
  for (const [tag, v] of Object.entries(obj)) {
    const tasks = (v as { tasks?: unknown } | null)?.tasks;
    if (Array.isArray(tasks)) out[tag] = checkTasks(tasks, `/${tag}/tasks`, bad);
  }
  if (Object.keys(out).length === 0) bad('no "tasks" list at the top or under any tag');
  return out;
}

function checkTasks(list: unknown[], pointer: string, bad: (m: string, p?: string) => never): TmTask[] {
  list.forEach((t, i) => {
    const id = (t as { id?: unknown } | null)?.id;
    if (typeof t !== "object" || t === null || (typeof id !== "number" && typeof id !== "string")) bad(`task ${i} has no id`, `${pointer}/${i}`);
    if (!/^\d+$/.test(String(id))) bad(`task id ${JSON.stringify(id)} is not a whole number`, `${pointer}/${i}/id`);
  });
  return list as TmTask[];
}

function convertTag(tag: string, tasks: TmTask[], options: ConvertOptions): TaskmasterTag {
  const notes: Issue[] = [];
  const skipped: TaskmasterTag["skipped"] = [];
  const status = (t: TmTask) => (typeof t.status === "string" ? t.status : "pending");
  const keep = (t: TmTask) => options.includeDone === true || !LEFT_OUT.has(status(t));
  const kept = new Set<string>();
  for (const t of tasks) {
    const subs = subtasksOf(t);
    if (keep(t)) kept.add(`T${t.id}`);
    else skipped.push({ id: `T${t.id}`, title: oneLine(t.title), status: status(t) });
    for (const s of subs) {
      const sid = `T${t.id}.${s.id}`;
      if (keep(t) && keep(s)) kept.add(sid);
      else if (keep(t)) skipped.push({ id: sid, title: oneLine(s.title), status: status(s) });
    }
  }
  const blocks: string[] = [];
  const imported: string[] = [];
  for (const t of tasks) {
    if (!kept.has(`T${t.id}`)) continue;
    blocks.push(taskBlock(`T${t.id}`, t, depsOf(t, null), kept, notes));
    imported.push(`T${t.id}`);
    for (const s of subtasksOf(t)) {
      const sid = `T${t.id}.${s.id}`;
      if (!kept.has(sid)) continue;
      blocks.push(taskBlock(sid, s, depsOf(s, t), kept, notes));
      imported.push(sid);
    }
  }
  const prd = [
    `# Project: Taskmaster tag ${tag}`,
    "",
    "## Summary",
    "",
    `Imported from ${options.file}, Taskmaster tag "${tag}": ${imported.length} task(s)${skipped.length ? `; ${skipped.length} done or cancelled task(s) left out` : ""}.`,
    "",
    "## Goals",
    "",
    `- Finish the remaining work of Taskmaster tag "${tag}"`,
    "",
    "## Requirements",
    "",
    `- R1: The tasks below, as planned in Taskmaster`,
    "",
    "## Tasks",
    "",
    blocks.join("\n"),
  ].join("\n");
  return { tag, prd, imported, skipped, notes };
}

function subtasksOf(t: TmTask): TmTask[] {
  return Array.isArray(t.subtasks) ? (t.subtasks as TmTask[]).filter((s) => s && /^\d+$/.test(String(s.id))) : [];
}

/**
 * Taskmaster writes a subtask's dependency on a sibling as its bare number and on any other
 * subtask as "parent.sub"; top-level dependencies are task numbers.
 */
function depsOf(t: TmTask, parent: TmTask | null): string[] {
  const raw = Array.isArray(t.dependencies) ? t.dependencies : [];
  return raw.map((d) => {
    const s = String(d);
    if (s.includes(".")) return `T${s}`;
    if (parent && subtasksOf(parent).some((x) => String(x.id) === s)) return `T${parent.id}.${s}`;
    return `T${s}`;
  });
}

function taskBlock(id: string, t: TmTask, deps: string[], kept: Set<string>, notes: Issue[]): string {
  const lines = [`### ${id}: ${oneLine(t.title) || `Taskmaster task ${id.slice(1)}`}`];
  const priority = typeof t.priority === "string" ? t.priority.toLowerCase() : "";
  if (PRIORITIES.has(priority)) lines.push(`**Priority:** ${priority}`);
  const live = deps.filter((d) => kept.has(d));
  const gone = deps.filter((d) => !kept.has(d));
  if (live.length) lines.push(`**Dependencies:** ${live.join(", ")}`);
  if (gone.length) notes.push({ path: id, message: `dependencies on ${gone.join(", ")} dropped: done, cancelled or missing in Taskmaster` });
  const strategy = oneLine(t.testStrategy);
  if (strategy) lines.push("**Acceptance criteria:**", `- Test strategy: ${strategy}`);
  notes.push({ path: id, message: "no verification commands (Taskmaster has none): add them before the readiness review", severity: "warning" });
  const status = typeof t.status === "string" ? t.status : "pending";
  const text: string[] = [];
  const description = oneLine(t.description);
  if (description) text.push(safeParagraph(description));
  if (status !== "pending") text.push(safeParagraph(`Taskmaster status: ${status}.`));
  if (typeof t.details === "string" && t.details.trim()) text.push(fenced(t.details));
  lines.push("", ...(text.length ? [text.join("\n\n")] : []), "");
  return lines.join("\n");
}

function oneLine(v: unknown): string {
  return typeof v === "string" ? v.replace(/\s+/g, " ").trim().slice(0, 300) : "";
}

/** Free text must not read as a heading, a field or a bullet of the PRD grammar. */
function safeParagraph(s: string): string {
  return /^(#|\*\*|[-*+] |\d+\. |<!--)/.test(s) ? `Taskmaster: ${s}` : s;
}

/** Details verbatim in a fence longer than any backtick run inside, so no line of it is grammar. */
function fenced(s: string): string {
  const longest = Math.max(2, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${s.replace(/\r/g, "").trimEnd()}\n${fence}`;
}
