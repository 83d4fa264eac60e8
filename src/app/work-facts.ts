import type { ClaimDoc, EvidenceDoc } from "../schema/types.js";
import type { AppContext } from "./context.js";

export interface WorkFacts {
  head: string | null;
  worktreeState: string | null;
  changedFiles: string[];
  worktree: string | null;
}

/**
 * What git says about a claim's work right now: the work branch's HEAD and the files
 * changed since the claim's base. Read before a transaction, which must not do I/O.
 */
export async function workFacts(ctx: AppContext, claim: ClaimDoc | undefined): Promise<WorkFacts> {
  const ws = ctx.workspace;
  if (!ws || !claim) return { head: null, worktreeState: null, changedFiles: [], worktree: null };
  const worktree = claim.worktree ?? claim.holder.worktree ?? ctx.session.worktree;
  const head = claim.branch ? await ws.resolveCommit(claim.branch).catch(() => null) : worktree ? await ws.head(worktree).catch(() => null) : null;
  const changedFiles = claim.baseCommit && worktree ? await ws.changedFiles(claim.baseCommit, worktree) : [];
  const worktreeState = worktree ? await ws.state(worktree) : null;
  return { head, worktreeState, changedFiles, worktree };
}

/** Only what ran in the claim's worktree says anything about the work in it. */
export function inWorktree(evidence: EvidenceDoc[], worktree: string | null): EvidenceDoc[] {
  if (!worktree) return evidence;
  return evidence.filter((e) => e.kind === "edit" || e.cwd === worktree || e.cwd.startsWith(`${worktree}/`));
}
