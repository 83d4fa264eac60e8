import type { EvidenceDoc, Finding, TaskDoc } from "../../schema/types.js";
import { matchesCommand } from "../evidence/output.js";
import { matchesAnyGlob } from "../globs/index.js";

/** Evidence planref ran or a hook saw; what an agent merely reported does not count. */
export function captured(e: EvidenceDoc): boolean {
  return e.capturedBy !== "agent";
}

/** The last moment the work changed: the latest edit seen, or the latest command that moved HEAD. */
export function lastChangeAt(evidence: readonly EvidenceDoc[], head: string | null): string | null {
  let last: string | null = null;
  for (const e of evidence) {
    const changed = e.kind === "edit" || (head !== null && e.head !== null && e.head !== head);
    if (changed && (last === null || e.finishedAt > last)) last = e.finishedAt;
  }
  return last;
}

/**
 * Each verification command must have passed, captured by planref or a hook, at the work
 * branch's current HEAD and after the last change.
 */
export function verificationFindings(task: TaskDoc, evidence: readonly EvidenceDoc[], head: string | null, worktreeState: string | null = null): Finding[] {
  const out: Finding[] = [];
  const lastChange = lastChangeAt(evidence, head);
  for (const cmd of task.verification) {
    const runs = evidence.filter((e) => e.kind === "command" && e.command !== undefined && matchesCommand(e.command, cmd));
    // A run whose exit status nobody saw (Codex, an interrupted command) proves nothing either way.
    const real = runs.filter((e) => captured(e) && e.exitCode !== null && e.exitCode !== undefined);
    const id = (rule: Finding["rule"]) => `${rule}:${cmd}`;
    if (real.length === 0) {
      out.push(
        runs.length > 0
          ? { id: id("verification-self-reported"), rule: "verification-self-reported", message: `"${cmd}" was only reported by the agent, never seen run` }
          : { id: id("verification-not-run"), rule: "verification-not-run", message: `"${cmd}" was never run (planref verify runs it)` },
      );
      continue;
    }
    const latest = real.reduce((a, b) => (b.finishedAt > a.finishedAt ? b : a));
    if (latest.exitCode !== 0) {
      out.push({ id: id("verification-failing"), rule: "verification-failing", message: `"${cmd}" last exited ${latest.exitCode} (${latest.finishedAt})` });
    } else if (
      (head !== null && latest.head !== head) ||
      (lastChange !== null && latest.startedAt < lastChange) ||
      (worktreeState !== null && latest.worktreeState !== undefined && latest.worktreeState !== worktreeState)
    ) {
      out.push({
        id: id("verification-stale"),
        rule: "verification-stale",
        message: `"${cmd}" passed at ${latest.head?.slice(0, 10) ?? "an unknown commit"} on ${latest.finishedAt}, before the last change${head ? ` (HEAD is now ${head.slice(0, 10)})` : ""}`,
      });
    }
  }
  return out;
}

export function scopeFindings(changedFiles: readonly string[], scope: readonly string[]): Finding[] {
  if (scope.length === 0) return [];
  return changedFiles.filter((f) => !matchesAnyGlob(scope, f)).map((f) => ({ id: `out-of-scope:${f}`, rule: "out-of-scope" as const, message: `${f} changed outside the claimed scope (${scope.join(", ")})` }));
}

/** Required evidence items: a passing captured record labelled with the item, or, for the rest, passing fresh verification. */
export function requiredEvidenceFindings(task: TaskDoc, evidence: readonly EvidenceDoc[], verificationOk: boolean): Finding[] {
  const out: Finding[] = [];
  for (const item of task.requiredEvidence) {
    const labelled = evidence.some((e) => captured(e) && e.label === item && e.exitCode === 0);
    if (!labelled && !verificationOk) out.push({ id: `evidence-missing:${item}`, rule: "evidence-missing", message: `required evidence "${item}" is not satisfied: no passing captured run labelled with it, and verification is not passing` });
  }
  return out;
}
