import type { GateReport } from "../../app/apply.js";
import { PlanrefError, UsageError } from "../../errors.js";
import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";
import { oneVerdict } from "./spec.js";

export const submitCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.submit({
      summary: String(opts.summary),
      ...(typeof args[0] === "string" ? { task: args[0] } : {}),
      ...(Array.isArray(opts.command) ? { commands: opts.command as string[] } : {}),
      ...(Array.isArray(opts.file) ? { files: opts.file as string[] } : {}),
      ...(typeof opts.epoch === "number" ? { epoch: opts.epoch } : {}),
    });
    const s = r.submission;
    const lines = [`submitted ${s.task} (epoch ${s.epoch}) for review`];
    if (s.findings.length) lines.push(`cross-check found ${s.findings.length} problem(s):`, ...s.findings.map((f) => `  - [${f.rule}] ${f.message}`));
    else lines.push("cross-check: report matches the captured evidence and git");
    return { data: r, text: lines.join("\n") };
  });

export const reviewCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const verdict = oneVerdict(opts, [
      ["approve", "approve"],
      ["requestChanges", "request-changes"],
      ["reject", "reject"],
    ] as Array<[string, "approve" | "request-changes" | "reject"]>);
    const r = await p.review({ task: String(args[0]), verdict, ...(typeof opts.note === "string" ? { note: opts.note } : {}) });
    return { data: r, text: `${verdict}: ${r.review.task} is now ${r.status}` };
  });

export function formatGate(report: GateReport): string {
  const lines = [`gate for ${report.task}: ${report.holds ? "HOLDS" : "REFUSED"}`];
  if (report.review) lines.push(`  review: ${report.review.verdict} by ${report.review.by}`);
  for (const f of report.findings) lines.push(`  ${"waived" in f && f.waived ? "waived" : "  FAIL"}  ${f.id}: ${f.message}${"waived" in f && f.waived ? ` (${f.waived})` : ""}`);
  if (report.findings.length === 0) lines.push("  every check passes");
  return lines.join("\n");
}

export const applyCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const waive = Array.isArray(opts.waive) ? (opts.waive as string[]) : [];
    if (waive.length && typeof opts.reason !== "string") throw new UsageError("--waive needs --reason");
    try {
      const r = await p.apply({ task: String(args[0]), dryRun: opts.dryRun === true, waive: waive.map((finding) => ({ finding, reason: String(opts.reason) })) });
      return { data: r, text: `${formatGate(r.report)}${r.applied ? `\n${r.report.task} is done (${r.commit?.slice(0, 12)})` : "\ndry run: nothing changed"}` };
    } catch (e) {
      if (e instanceof PlanrefError && e.code === "GATE_REFUSED" && !globals.json) {
        const report = (e.data as { report?: GateReport }).report;
        if (report) io.stderr(`${formatGate(report)}\n`);
      }
      throw e;
    }
  });
