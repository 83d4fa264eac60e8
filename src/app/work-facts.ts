import type { ClaimDoc } from "../schema/types.js";
import type { AppContext } from "./context.js";

export interface WorkFacts {
  head: string | null;
  changedFiles: string[];
  worktree: string | null;
}

/**
 * What git says about a claim's work right now: the work branch's HEAD and the files
 * changed since the claim's base. Read before a transaction, which must not do I/O.
 */
export async function workFacts(ctx: AppContext, claim: ClaimDoc | undefined): Promise<WorkFacts> {
  const ws = ctx.workspace;
  if (!ws || !claim) return { head: null, changedFiles: [], worktree: null };
  const worktree = claim.worktree ?? claim.holder.worktree ?? ctx.session.worktree;
  const head = claim.branch ? await ws.resolveCommit(claim.branch).catch(() => null) : worktree ? await ws.head(worktree).catch(() => null) : null;
  const changedFiles = claim.baseCommit && worktree ? await ws.changedFiles(claim.baseCommit, worktree) : [];
  return { head, changedFiles, worktree };
}
