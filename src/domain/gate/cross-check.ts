import type { EvidenceDoc, Finding, TaskDoc } from "../../schema/types.js";
import { matchesCommand } from "../evidence/output.js";
import { captured, scopeFindings, verificationFindings } from "./checks.js";

export interface CrossCheckInput {
  task: TaskDoc;
  reportedCommands: readonly string[];
  declaredFiles: readonly string[];
  evidence: readonly EvidenceDoc[];
  head: string | null;
  worktreeState?: string | null;
  changedFiles: readonly string[];
  scope: readonly string[];
  /** The worktree the claim works in; declared absolute paths are read relative to it. */
  worktree?: string | null;
}

/**
 * Compares what the agent says it did with what was seen: commands it claims that no hook
 * or planref run saw, verification not run, failing or older than the last change, files
 * changed outside the scope, declared files that did not change.
 */
export function crossCheck(input: CrossCheckInput): Finding[] {
  const seen = input.evidence.filter((e) => e.kind === "command" && captured(e));
  const out: Finding[] = [];
  for (const cmd of input.reportedCommands) {
    if (!seen.some((e) => e.command !== undefined && matchesCommand(e.command, cmd))) {
      out.push({ id: `unseen-command:${cmd}`, rule: "unseen-command", message: `reported "${cmd}", but no hook or planref run ever saw it` });
    }
  }
  out.push(...verificationFindings(input.task, input.evidence, input.head, input.worktreeState ?? null));
  out.push(...scopeFindings(input.changedFiles, input.scope));
  const changed = new Set(input.changedFiles);
  for (const f of input.declaredFiles) {
    const rel = input.worktree && f.startsWith(`${input.worktree}/`) ? f.slice(input.worktree.length + 1) : f.replace(/^\.\//, "");
    if (!changed.has(rel)) out.push({ id: `declared-unchanged:${f}`, rule: "declared-unchanged", message: `declared ${f} as changed, but git shows no change to it` });
  }
  return out;
}
