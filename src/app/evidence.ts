import { parseDuration } from "../domain/claims/duration.js";
import { recordEvidence as decide } from "../domain/evidence/record.js";
import { outputTail, scrubCommand } from "../domain/evidence/output.js";
import type { EvidenceDoc, TaskDoc } from "../schema/types.js";
import type { Snapshot } from "../store/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext, CommandOutcome } from "./context.js";
import { fenceEpoch, myLiveClaims } from "./lease-ops.js";
import { getClaim, leaseClock } from "./state/claims.js";
import { claimPath, EVIDENCE, evidencePath, recordDir, taskPath } from "./state/documents.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { getTask, resolveTaskId } from "./state/tasks.js";

export interface EvidenceInput {
  task: string;
  epoch?: number;
  kind: EvidenceDoc["kind"];
  capturedBy: EvidenceDoc["capturedBy"];
  command?: string;
  outcome?: CommandOutcome;
  files?: string[];
  label?: string;
  source?: EvidenceDoc["source"];
  cwd: string;
  startedAt: Date;
  /** Record on behalf of this actor (a hook acts for the holder of the claim in its worktree). */
  actor?: string;
}

/** Sortable by time within a task's directory, unique across machines. */
export function evidenceId(ctx: AppContext, at: Date): string {
  return `${at.toISOString().replace(/[-:.]/g, "")}-${ctx.newId()}`;
}

/** Writes one evidence record under the caller's live claim (one commit). */
export async function addEvidence(ctx: AppContext, input: EvidenceInput): Promise<{ evidence: EvidenceDoc; commit: string; renewed: boolean }> {
  const snap0 = await loadSnapshot(ctx);
  const id0 = resolveTaskId(snap0, input.task);
  const claim0 = getClaim(snap0, id0);
  // Git facts are gathered before the transaction: it may run more than once and must not do I/O.
  // The three reads start together, and what needs no git runs while they do.
  const worktree = claim0?.worktree ?? claim0?.holder.worktree ?? input.cwd;
  const ws = ctx.workspace;
  const facts = Promise.all([
    ws ? ws.head(worktree).catch(() => null) : null,
    ws && claim0?.baseCommit ? ws.changedFiles(claim0.baseCommit, worktree) : [],
    ws && input.kind === "command" ? ws.state(worktree) : null,
  ]);
  facts.catch(() => {});
  const tail = input.outcome ? outputTail(input.outcome.output) : null;
  const command = input.command !== undefined ? scrubCommand(input.command) : undefined;
  // The documents the transaction reads, decoded at this tip while git runs (the transaction reuses them when the tip has not moved).
  readPlan(snap0);
  getTask(snap0, id0);
  const [head, filesChanged, worktreeState] = await facts;
  const finishedAt = ctx.now();
  const id = evidenceId(ctx, input.startedAt);
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const taskId = resolveTaskId(snap, input.task);
    const epoch = input.actor ? input.epoch : fenceEpoch(ctx, taskId, input.epoch);
    const actor = input.actor ?? ctx.actor.name;
    const r = decide({
      task: getTask(snap, taskId) as TaskDoc,
      claim: getClaim(snap, taskId),
      fence: { actor, ...(epoch !== undefined ? { epoch } : {}) },
      clock: leaseClock(ctx, plan),
      heartbeatIntervalSeconds: parseDuration(plan.settings.claims.heartbeatInterval, "heartbeatInterval"),
      evidence: {
        id,
        kind: input.kind,
        capturedBy: input.capturedBy,
        ...(input.source ? { source: clampSource(input.source) } : {}),
        actor,
        ...(command !== undefined ? { command: clamp(command, 8000) } : {}),
        ...(input.label ? { label: input.label } : {}),
        ...(input.outcome
          ? { exitCode: input.outcome.exitCode, durationMs: Math.round(input.outcome.durationMs), outputTail: tail?.tail ?? "", outputSha256: input.outcome.outputSha256, outputBytes: input.outcome.outputBytes, redactions: tail?.redactions ?? 0 }
          : {}),
        ...(input.files ? { files: input.files.slice(0, 1000).map((f) => clamp(f, 4000)) } : {}),
        cwd: clamp(input.cwd, 4000),
        head,
        ...(worktreeState ? { worktreeState } : {}),
        filesChanged,
        startedAt: input.startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
      },
    });
    const changes: Array<{ path: string; value: unknown }> = [{ path: evidencePath(taskId, id), value: r.evidence }];
    if (r.renewed) changes.push({ path: claimPath(taskId), value: r.claim });
    if (r.task.status !== (getTask(snap, taskId) as TaskDoc).status) changes.push({ path: taskPath(taskId), value: r.task });
    // Subjects are public once pushed: the command is scrubbed here as in the document.
    const what = input.kind === "edit" ? `edit ${(input.files ?? []).join(", ")}` : `${command ?? ""} -> ${input.outcome?.exitCode ?? "?"}`;
    const acting = input.actor ? { ...ctx, actor: { ...ctx.actor, name: input.actor, email: `${input.actor.replace(/[^A-Za-z0-9._-]+/g, "-")}@planref.invalid` } } : ctx;
    return {
      changes,
      commit: commitInfo(acting, "evidence", `evidence on ${taskId}: ${what}`.slice(0, 200), { task: taskId, epoch: r.claim.epoch, extra: [["Planref-Captured-By", input.capturedBy]] }),
      result: r,
    };
  });
  return { evidence: res.result.evidence, commit: res.commit as string, renewed: res.result.renewed };
}

/**
 * Agents run long heredocs and report long paths: evidence keeps their beginning and says
 * how much was cut, instead of being refused by the schema and lost.
 */
function clamp(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = ` … [${text.length - max} more characters]`;
  return text.slice(0, max - note.length - 1) + note;
}

function clampSource(source: NonNullable<EvidenceDoc["source"]>): NonNullable<EvidenceDoc["source"]> {
  const limits = { agent: 50, event: 100, tool: 100, session: 200 } as const;
  const out: NonNullable<EvidenceDoc["source"]> = {};
  for (const key of Object.keys(limits) as Array<keyof typeof limits>) {
    const v = source[key];
    if (v !== undefined) out[key] = clamp(v, limits[key]);
  }
  return out;
}

export function taskEvidence(snap: Snapshot, taskId: string): EvidenceDoc[] {
  return snap.paths(`${recordDir(EVIDENCE, taskId)}/`).map((p) => snap.get(p) as EvidenceDoc);
}

export async function listEvidence(ctx: AppContext, input: { task: string }): Promise<{ task: string; evidence: EvidenceDoc[] }> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  const id = resolveTaskId(snap, input.task);
  return { task: id, evidence: taskEvidence(snap, id) };
}

/** The task a command is recorded against: the named one, else the caller's single live claim. */
export async function activeTaskFor(ctx: AppContext, explicit: string | undefined): Promise<string | null> {
  const snap = await loadSnapshot(ctx);
  readPlan(snap);
  if (explicit) return resolveTaskId(snap, explicit);
  const mine = myLiveClaims(ctx, snap);
  if (mine.length === 1) return (mine[0] as { task: string }).task;
  // A claim this worktree remembers but lost: naming it makes the lease check say so.
  const remembered = ctx.leases?.tasks() ?? [];
  return mine.length === 0 && remembered.length === 1 ? (remembered[0] as string) : null;
}
