import { isLive } from "../domain/claims/lease.js";
import { buildPacket, fitPacket, type Packet, renderPacketMarkdown } from "../domain/packet/packet.js";
import type { TaskDoc } from "../schema/types.js";
import type { AppContext } from "./context.js";
import { getClaim, leaseClock } from "./state/claims.js";
import { loadSnapshot, readPlan } from "./state/plan.js";
import { allTasks, getSpec, getTask, resolveTaskId } from "./state/tasks.js";

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
  const attemptFiles = new Map<number, string[]>();
  if (ctx.workspace && claim) {
    // Files a crashed or released holder left on its branch, so the next one knows what is half-done.
    for (const a of claim.attempts) {
      if (a.baseCommit && a.worktree) attemptFiles.set(a.epoch, await ctx.workspace.changedFiles(a.baseCommit, a.worktree).catch(() => []));
    }
  }
  const full = buildPacket({
    task,
    spec: task.spec ? getSpec(snap, task.spec) : undefined,
    claim,
    claimLive: claim !== undefined && isLive(claim, clock),
    tasksById,
    delivered: () => undefined,
    attemptDetail: (epoch) => ({ filesTouched: attemptFiles.get(epoch) ?? [] }),
    reviewNotes: [],
  });
  const budget = input.maxBytes ?? plan.settings.packet.maxBytes;
  const packet = fitPacket(full, budget);
  const markdown = renderPacketMarkdown(packet);
  return { packet, markdown, bytes: Buffer.byteLength(markdown), budget };
}
