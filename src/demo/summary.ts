import { clockTime } from "./clock.js";
import type { AgentStory } from "./context.js";
import type { DemoReport } from "./run-demo.js";

function taskLine(t: AgentStory["tasks"][number]): string {
  const how = [`epoch ${t.epoch}`];
  if (t.tookOverFrom) how.push(`took over from ${t.tookOverFrom}`);
  if (t.changesRequested) how.push(`changes requested ${t.changesRequested === 1 ? "once" : `${t.changesRequested} times`}, fixed and resubmitted`);
  const outcome = t.outcome === "crashed" ? "crashed mid-task; its lease ran out and went stale" : t.outcome;
  return `${t.task} (${how.join(", ")}): ${outcome}`;
}

/** The closing text of `planref demo`: who did what, the audit log, and where to look next. */
export function renderSummary(r: DemoReport, logText: string): string {
  const asked = r.reviews.filter((v) => v.verdict === "request-changes").map((v) => v.task);
  const approved = r.reviews.filter((v) => v.verdict === "approve").length;
  const lines = [
    "",
    `What happened (${clockTime(r.clock.start)}–${clockTime(r.clock.end)} UTC on the demo's clock, ${r.wallSeconds} s of real time):`,
    ...r.agents.map((a) => `  ${a.name.padEnd(9)} ${a.tasks.length ? a.tasks.map(taskLine).join("; ") : "found nothing to claim"}`),
    `  ${r.reviewer.padEnd(9)} ${asked.length ? `requested changes on ${asked.join(", ")}; ` : ""}approved ${approved} submissions; applied ${r.applied.join(", ") || "nothing"} through the done gate`,
    `  tasks     ${r.tasks.map((t) => `${t.id.slice(t.id.lastIndexOf(".") + 1)} ${t.status}`).join(" · ")}`,
    `  races     ${r.raceLosses.length} claim${r.raceLosses.length === 1 ? "" : "s"} lost to a concurrent claim of the same task (one compare-and-swap on refs/plan/state wins); ${r.takeovers.map((t) => `${t.task} taken over by ${t.to} at epoch ${t.epoch}`).join("; ") || "no takeover"}`,
    "",
    `Audit log (planref log, newest first; ${r.log.length} operations, one commit each):`,
    logText.trimEnd(),
    "",
    `The repository and its worktrees stay in ${r.root}. Try:`,
    ...r.explore.map((c) => `  ${c}`),
  ];
  return lines.join("\n");
}
