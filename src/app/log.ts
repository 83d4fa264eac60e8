import { NotFoundError, UsageError } from "../errors.js";
import type { Snapshot } from "../store/types.js";
import { resolveTaskId } from "./state/tasks.js";
import type { HistoryEntry } from "../store/types.js";
import type { AppContext } from "./context.js";
import { loadSnapshot, readPlan } from "./state/plan.js";

export interface LogQuery {
  task?: string;
  actor?: string;
  op?: string;
  limit?: number;
}

export interface LogEntry {
  commit: string;
  time: string;
  op: string | null;
  actor: string | null;
  task: string | null;
  epoch: number | null;
  subject: string;
  author: string;
  committer: string;
  trailers: Record<string, string[]>;
}

/** The audit trail, read from commit trailers without opening a single tree. */
export async function auditLog(ctx: AppContext, query: LogQuery = {}): Promise<LogEntry[]> {
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1)) {
    throw new UsageError(`--limit must be a positive whole number, got ${query.limit}`);
  }
  const snap = await loadSnapshot(ctx);
  if (snap.commit === null) readPlan(snap);
  const trailers: Record<string, string> = {};
  // A PRD id or prefix names the task as everywhere else; a task that no longer exists is matched as written.
  if (query.task) trailers["Planref-Task"] = tryResolve(snap, query.task);
  if (query.actor) trailers["Planref-Actor"] = query.actor;
  if (query.op) trailers["Planref-Op"] = query.op;
  const entries = await ctx.store.history({ ...(query.limit ? { limit: query.limit } : {}), trailers });
  return entries.map(toLogEntry);
}

function toLogEntry(e: HistoryEntry): LogEntry {
  const first = (k: string) => e.trailers[k]?.[0] ?? null;
  const epoch = first("Planref-Epoch");
  return {
    commit: e.commit,
    time: e.author.time.toISOString(),
    op: first("Planref-Op"),
    actor: first("Planref-Actor"),
    task: first("Planref-Task"),
    epoch: epoch === null ? null : Number(epoch),
    subject: e.subject,
    author: `${e.author.name} <${e.author.email}>`,
    committer: `${e.committer.name} <${e.committer.email}>`,
    trailers: e.trailers,
  };
}

function tryResolve(snap: Snapshot, ref: string): string {
  try {
    return resolveTaskId(snap, ref);
  } catch (e) {
    if (e instanceof NotFoundError) return ref;
    throw e;
  }
}
