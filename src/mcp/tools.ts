/**
 * The MCP tools: each one a thin translation onto a use case, like a CLI command. Names,
 * descriptions and schemas are what an agent pays for in context on every turn, so the
 * default set is small and the texts short.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import { TASK_STATUSES } from "../schema/types.js";
import type { Project } from "../runtime/open-project.js";
import type { Args, Field, ObjectSchema } from "./schema.js";

/** Where a call acts: its `cwd` argument (resolved against the server's), else the server's directory. */
export interface CallEnv {
  cwd: string;
  cwdGiven: boolean;
}

export interface ToolDef {
  name: string;
  description: string;
  /** Exposed without --tools / --all-tools. */
  core: boolean;
  readOnly: boolean;
  inputSchema: ObjectSchema;
  call(project: Project, args: Args, env: CallEnv): Promise<object>;
}

const STATUSES = TASK_STATUSES;
const DEFAULT_PAGE = 50;
const OUTPUT_TAIL_CHARS = 4000;

const str = (description: string, extra: { enum?: readonly string[]; minLength?: number } = {}): Field => ({ type: "string", description, ...extra });
const int = (description: string): Field => ({ type: "integer", description, minimum: 1 });
const bool = (description: string): Field => ({ type: "boolean", description });
const list = (description: string, minItems?: number): Field => ({ type: "array", description, items: { type: "string", minLength: 1 }, ...(minItems ? { minItems } : {}) });

const TASK = str("Task id, PRD id (T001) or id prefix", { minLength: 1 });
const MY_TASK = str("Task id (default: your only live claim)", { minLength: 1 });
const EPOCH = int("Epoch of your claim (default: remembered)");
const PAGE = { limit: int(`Page size (default ${DEFAULT_PAGE})`), cursor: str("nextCursor of the previous page") };

/** Every tool's own fields, plus who acts and where. */
function schema(properties: Record<string, Field>, required: string[] = [], cwd = "Directory to act in (default: the server's)"): ObjectSchema {
  return {
    type: "object",
    properties: {
      ...properties,
      actor: str("Who acts (default: $PLANREF_ACTOR or the git user)", { minLength: 1 }),
      cwd: str(cwd, { minLength: 1 }),
    },
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** `{key: value}`, or nothing when the argument was not given. Values were checked against the schema. */
const opt = (key: string, value: unknown): Record<string, any> => (value === undefined ? {} : { [key]: value });

/** An offset cursor over a list the use case returns whole. */
function page<T>(items: T[], args: Args): { items: T[]; total: number; nextCursor: string | null } {
  const offset = cursorOffset(args.cursor);
  const limit = (args.limit as number | undefined) ?? DEFAULT_PAGE;
  const end = offset + limit;
  return { items: items.slice(offset, end), total: items.length, nextCursor: end < items.length ? String(end) : null };
}

function cursorOffset(cursor: unknown): number {
  if (cursor === undefined) return 0;
  if (typeof cursor !== "string" || !/^\d{1,9}$/.test(cursor)) {
    throw new UsageError(`"cursor" must be a nextCursor returned by an earlier call, got "${String(cursor)}"`, { hint: "Omit cursor for the first page.", data: { field: "cursor" } });
  }
  return Number(cursor);
}

/**
 * Where `planref_run` runs when no cwd is given: the worktree of the claim it records
 * against (the named task's, else the caller's single live claim), as `verify` does.
 */
async function claimWorktree(p: Project, task: string | undefined): Promise<string | null> {
  const status = await p.status();
  let rows = status.claims.filter((c) => c.state !== "stale");
  if (task) {
    const id = (await p.showTask(task)).task.id;
    rows = rows.filter((c) => c.task === id);
  } else {
    rows = rows.filter((c) => c.holder === p.context.actor.name);
  }
  const wt = rows.length === 1 ? rows[0]?.worktree : null;
  return wt && existsSync(wt) ? wt : null;
}

export const TOOLS: readonly ToolDef[] = [
  {
    name: "planref_status",
    description: "Project summary: tasks by status, live claims with lease time left, tasks ready to claim.",
    core: true,
    readOnly: true,
    inputSchema: schema({}),
    call: (p) => p.status(),
  },
  {
    name: "planref_next",
    description: "The best claimable task for you now, with the reasons it ranks first.",
    core: true,
    readOnly: true,
    inputSchema: schema({ kind: str("agent or human (default: the actor's kind)", { minLength: 1 }) }),
    call: (p, a) => p.next({ ...opt("kind", a.kind) }),
  },
  {
    name: "planref_task_show",
    description: "One task: intent, acceptance criteria, scope, verification, dependencies, status, scores.",
    core: true,
    readOnly: true,
    inputSchema: schema({ task: TASK }, ["task"]),
    call: (p, a) => p.showTask(a.task as string),
  },
  {
    name: "planref_claim",
    description: "Claim a task: an exclusive lease with an epoch (fencing token). Keep it alive with planref_heartbeat. Optionally creates branch planref/<task> and a linked worktree (your checkout is not touched).",
    core: true,
    readOnly: false,
    inputSchema: schema(
      {
        task: TASK,
        lease: str("Lease length, e.g. 15m (default from plan.yaml)", { minLength: 1 }),
        scope: list("File globs this claim covers (default: the task's scope)"),
        branch: bool("Create the task branch planref/<task> from your HEAD"),
        worktree: bool("Also add a linked worktree on that branch, next to the repository"),
        worktreePath: str("Put that worktree here instead (implies worktree)", { minLength: 1 }),
        forceOverlap: bool("Claim although the scope overlaps another live claim (needs reason)"),
        reason: str("Why the overlap is acceptable (recorded)", { minLength: 1 }),
      },
      ["task"],
    ),
    call: async (p, a, env) => {
      if (a.forceOverlap === true && a.reason === undefined) throw new UsageError("forceOverlap needs a reason", { data: { field: "reason" } });
      if (a.forceOverlap !== true && a.reason !== undefined) throw new UsageError("reason goes with forceOverlap on claim", { data: { field: "reason" } });
      const worktree = a.worktreePath !== undefined ? resolve(env.cwd, a.worktreePath as string) : a.worktree === true ? true : undefined;
      const r = await p.claim({
        task: a.task as string,
        ...opt("lease", a.lease),
        ...opt("scope", a.scope),
        ...(a.branch === true ? { branch: true } : {}),
        ...(worktree !== undefined ? { worktree } : {}),
        ...(a.forceOverlap === true ? { forceOverlap: { reason: a.reason as string } } : {}),
      });
      return { ...r, task: r.task.id, status: r.task.status };
    },
  },
  {
    name: "planref_heartbeat",
    description: "Renew your lease (one commit). LEASE_LOST means the claim is no longer yours: stop work on it.",
    core: true,
    readOnly: false,
    inputSchema: schema({ task: MY_TASK, epoch: EPOCH }),
    call: (p, a) => p.heartbeat({ ...opt("task", a.task), ...opt("epoch", a.epoch) }),
  },
  {
    name: "planref_release",
    description: "Release your claim on a task; force releases someone else's (needs reason, recorded).",
    core: true,
    readOnly: false,
    inputSchema: schema({ task: TASK, force: bool("Release a claim held by someone else"), reason: str("Why (recorded)", { minLength: 1 }), epoch: EPOCH }, ["task"]),
    call: (p, a) => p.release({ task: a.task as string, force: a.force === true, ...opt("reason", a.reason), ...opt("epoch", a.epoch) }),
  },
  {
    name: "planref_packet",
    description: "The task's work packet: intent, criteria, scope, non-goals, dependencies, your claim, earlier attempts, and how to record evidence and submit.",
    core: true,
    readOnly: true,
    inputSchema: schema({ task: TASK, format: str("md (default) or json", { enum: ["md", "json"] }), maxBytes: int("Size budget (default from plan.yaml)") }, ["task"]),
    call: async (p, a) => {
      const r = await p.packet({ task: a.task as string, ...opt("maxBytes", a.maxBytes) });
      return a.format === "json" ? { packet: r.packet, bytes: r.bytes, budget: r.budget } : { markdown: r.markdown, bytes: r.bytes, budget: r.budget };
    },
  },
  {
    name: "planref_run",
    description: "Run a command and record it as evidence on your claim. Runs in the claim's worktree unless cwd is given; output is captured and its tail returned. A failing command is a result (see exitCode), not an error.",
    core: true,
    readOnly: false,
    inputSchema: schema(
      {
        command: list("The command: one item runs through the shell, several run directly as argv", 1),
        task: MY_TASK,
        label: str("The required-evidence item this run is meant to satisfy", { minLength: 1 }),
        epoch: EPOCH,
      },
      ["command"],
      "Where to run (default: the claim's worktree, else the server's directory)",
    ),
    call: async (p, a, env) => {
      const cwd = env.cwdGiven ? env.cwd : ((await claimWorktree(p, a.task as string | undefined)) ?? env.cwd);
      const r = await p.run({ command: a.command as string[], cwd, ...opt("task", a.task), ...opt("label", a.label), ...opt("epoch", a.epoch) });
      return {
        exitCode: r.outcome.exitCode,
        durationMs: Math.round(r.outcome.durationMs),
        cwd,
        recorded: r.evidence !== null,
        evidence: r.evidence,
        // Recorded evidence carries the scrubbed tail already; otherwise the caller still sees what ran.
        ...(r.evidence === null ? { notRecorded: r.notRecorded ?? null, outputTail: r.outcome.output.slice(-OUTPUT_TAIL_CHARS) } : {}),
      };
    },
  },
  {
    name: "planref_verify",
    description: "Run the task's reviewed verification commands in the claim's worktree and record each result. passed=false is a result, not an error.",
    core: true,
    readOnly: false,
    inputSchema: schema({ task: MY_TASK, epoch: EPOCH }),
    call: (p, a, env) => p.verify({ cwd: env.cwd, ...opt("task", a.task), ...opt("epoch", a.epoch) }),
  },
  {
    name: "planref_submit",
    description: "Submit your work for review. Your report (commands run, files changed) is cross-checked against captured evidence and git; findings are stored with the submission.",
    core: true,
    readOnly: false,
    inputSchema: schema(
      {
        summary: str("What you delivered", { minLength: 1 }),
        task: MY_TASK,
        commands: list("Commands you ran (checked against what planref and hooks saw)"),
        files: list("Files you changed (checked against git)"),
        epoch: EPOCH,
      },
      ["summary"],
    ),
    call: (p, a) => p.submit({ summary: a.summary as string, ...opt("task", a.task), ...opt("commands", a.commands), ...opt("files", a.files), ...opt("epoch", a.epoch) }),
  },
  {
    name: "planref_review",
    description: "Review a submitted task: approve, request-changes (back to the holder, the note shows in the packet) or reject (back to draft).",
    core: false,
    readOnly: false,
    inputSchema: schema({ task: TASK, verdict: str("approve, request-changes or reject", { enum: ["approve", "request-changes", "reject"] }), note: str("A note for the holder", { minLength: 1 }) }, ["task", "verdict"]),
    call: (p, a) => p.review({ task: a.task as string, verdict: a.verdict as "approve" | "request-changes" | "reject", ...opt("note", a.note) }),
  },
  {
    name: "planref_apply_dry_run",
    description: "The done gate report for a task: review, fresh verification evidence, scope. Changes nothing.",
    core: false,
    readOnly: true,
    inputSchema: schema({ task: TASK }, ["task"]),
    call: (p, a) => p.apply({ task: a.task as string, dryRun: true, waive: [] }),
  },
  {
    name: "planref_task_list",
    description: "Tasks with status and what blocks them, paginated.",
    core: false,
    readOnly: true,
    inputSchema: schema({
      status: { type: "array", description: "Only these statuses", items: { type: "string", enum: STATUSES } },
      spec: str("Only tasks of this spec", { minLength: 1 }),
      ready: bool("Only tasks ready to claim"),
      all: bool("Include cancelled tasks"),
      ...PAGE,
    }),
    call: async (p, a) => {
      const rows = await p.listTasks({ ...opt("status", a.status), ...opt("spec", a.spec), ready: a.ready === true, includeCancelled: a.all === true });
      const { items, ...rest } = page(rows, a);
      return { tasks: items, ...rest };
    },
  },
  {
    name: "planref_log",
    description: "The audit trail from refs/plan/state, newest first, paginated.",
    core: false,
    readOnly: true,
    inputSchema: schema({ task: str("Only operations on this task", { minLength: 1 }), byActor: str("Only operations by this actor", { minLength: 1 }), op: str("Only this operation (claim, submit, ...)", { minLength: 1 }), ...PAGE }),
    call: async (p, a) => {
      const offset = cursorOffset(a.cursor);
      const limit = (a.limit as number | undefined) ?? DEFAULT_PAGE;
      // One more than the page tells whether another page exists.
      const entries = await p.log({ ...opt("task", a.task), ...opt("actor", a.byActor), ...opt("op", a.op), limit: offset + limit + 1 });
      return { entries: entries.slice(offset, offset + limit), nextCursor: entries.length > offset + limit ? String(offset + limit) : null };
    },
  },
  {
    name: "planref_waves",
    description: "Parallel schedule: waves that respect dependencies, with no overlapping scopes inside a wave.",
    core: false,
    readOnly: true,
    inputSchema: schema({ agents: int("At most this many tasks per wave") }),
    call: (p, a) => p.waves({ ...opt("agents", a.agents) }),
  },
  {
    name: "planref_evidence_list",
    description: "Evidence recorded for a task (commands with exit codes and output tails, edits), oldest first, paginated.",
    core: false,
    readOnly: true,
    inputSchema: schema({ task: TASK, ...PAGE }, ["task"]),
    call: async (p, a) => {
      const r = await p.listEvidence({ task: a.task as string });
      const { items, ...rest } = page(r.evidence, a);
      return { task: r.task, evidence: items, ...rest };
    },
  },
];

export const CORE_TOOLS = TOOLS.filter((t) => t.core).map((t) => t.name);

/**
 * Which tools to expose: the core set, plus what `--tools a,b` (or PLANREF_MCP_TOOLS) names,
 * or every tool with `--all-tools` (or the name `all`). Names may drop the `planref_` prefix.
 */
export function selectTools(spec: { tools?: string; allTools?: boolean; env?: string }): string[] {
  const raw = spec.tools ?? spec.env ?? "";
  const names = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (spec.allTools || names.includes("all")) return TOOLS.map((t) => t.name);
  const known = new Set(TOOLS.map((t) => t.name));
  const wanted = new Set(CORE_TOOLS);
  for (const n of names) {
    const name = n.startsWith("planref_") ? n : `planref_${n}`;
    if (!known.has(name)) {
      throw new UsageError(`unknown MCP tool "${n}"${spec.tools === undefined ? " in PLANREF_MCP_TOOLS" : ""}`, {
        hint: `Tools: ${TOOLS.map((t) => t.name.replace(/^planref_/, "")).join(", ")}, or all.`,
        data: { tool: n },
      });
    }
    wanted.add(name);
  }
  return TOOLS.filter((t) => wanted.has(t.name)).map((t) => t.name);
}
