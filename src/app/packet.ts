import { pastAttempts } from "../domain/claims/claim.js";
import { isLive } from "../domain/claims/lease.js";
import { buildPacket, fitPacket, type Packet, renderPacketMarkdown } from "../domain/packet/packet.js";
import type { TaskDoc } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { getClaim, leaseClock } from "./state/claims.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { latest, taskReviews, taskSubmissions } from "./state/records.js";
import { allTasks, getSpec, getTask, resolveTaskId } from "./state/tasks.js";
import { taskEvidence } from "./evidence.js";
import type { EvidenceDoc } from "../schema/types.js";

function describeEvidence(e: EvidenceDoc): string {
  return e.kind === "edit" ? `edited ${(e.files ?? []).join(", ")} at ${e.finishedAt}` : `\`${e.command}\` exited ${e.exitCode} at ${e.finishedAt} (${e.capturedBy})`;
}

export interface PacketResult {
  packet: Packet;
  markdown: string;
  bytes: number;
  budget: number;
}

/** The work packet of a task, regenerated from the state, trimmed to plan.yaml's size budget. */
export async function taskPacket(ctx: AppContext, input: { task: string; maxBytes?: number }): Promise<PacketResult> {
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const id = resolveTaskId(snap, input.task);
  const task = getTask(snap, id) as TaskDoc;
  const claim = getClaim(snap, id);
  const clock = leaseClock(ctx, plan);
  const tasksById = new Map(allTasks(snap).map((t) => [t.id, t]));
  const evidence = taskEvidence(snap, id);
  const claimLive = claim !== undefined && isLive(claim, clock);
  const attemptFiles = new Map<number, string[]>();
  if (ctx.workspace) {
    // Files a crashed or released holder left on its branch, so the next one knows what is half-done.
    for (const a of pastAttempts(claim, claimLive)) {
      if (a.baseCommit && a.worktree) attemptFiles.set(a.epoch, await ctx.workspace.changedFiles(a.baseCommit, a.worktree).catch(() => []));
    }
  }
  const full = buildPacket({
    task,
    spec: task.spec ? getSpec(snap, task.spec) : undefined,
    claim,
    claimLive,
    tasksById,
    delivered: (depId) => latest(taskSubmissions(snap, depId))?.summary.split("\n")[0],
    attemptDetail: (epoch) => {
      const last = evidence.filter((e) => e.epoch === epoch).pop();
      const files = new Set([...(attemptFiles.get(epoch) ?? []), ...evidence.filter((e) => e.epoch === epoch).flatMap((e) => e.files ?? [])]);
      return { filesTouched: [...files].sort(), ...(last ? { lastEvidence: describeEvidence(last) } : {}) };
    },
    reviewNotes: taskReviews(snap, id)
      .filter((r) => r.note)
      .map((r) => ({ by: r.by, at: r.at, verdict: r.verdict, note: r.note as string })),
  });
  const budget = input.maxBytes ?? plan.settings.packet.maxBytes;
  const packet = fitPacket(full, budget);
  const markdown = renderPacketMarkdown(packet);
  return { packet, markdown, bytes: Buffer.byteLength(markdown), budget };
}
