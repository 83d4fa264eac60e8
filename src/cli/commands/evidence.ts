import type { EvidenceDoc } from "../../schema/types.js";
import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

export const runCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.run({
      command: (args[0] as string[]) ?? [],
      cwd: globals.cwd,
      ...(typeof opts.task === "string" ? { task: opts.task } : {}),
      ...(typeof opts.label === "string" ? { label: opts.label } : {}),
      ...(typeof opts.epoch === "number" ? { epoch: opts.epoch } : {}),
    });
    const code = r.outcome.exitCode ?? 1;
    return {
      data: { exitCode: r.outcome.exitCode, durationMs: Math.round(r.outcome.durationMs), evidence: r.evidence, recorded: r.evidence !== null },
      text: "",
      warnings: r.notRecorded ? [`not recorded: ${r.notRecorded}`] : [],
      exitCode: code,
    };
  });

export const verifyCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.verify({ cwd: globals.cwd, ...(typeof args[0] === "string" ? { task: args[0] } : {}), ...(typeof opts.epoch === "number" ? { epoch: opts.epoch } : {}) });
    const lines = r.results.map((x) => `${x.exitCode === 0 ? "pass" : "FAIL"}  ${x.command}  (exit ${x.exitCode}, ${x.durationMs} ms)`);
    lines.push(r.passed ? `verification of ${r.task} passed` : `verification of ${r.task} failed`);
    return { data: r, text: lines.join("\n"), exitCode: r.passed ? 0 : 1 };
  });

function describe(e: EvidenceDoc): string {
  const what = e.kind === "edit" ? `edit ${(e.files ?? []).join(", ")}` : `${e.command} -> exit ${e.exitCode}`;
  return `${e.startedAt}  ${e.capturedBy.padEnd(7)} epoch ${e.epoch ?? "-"}  ${what}${e.verification ? "  [verification]" : ""}${e.head ? `  @${e.head.slice(0, 10)}` : ""}`;
}

export const listCmd: Handler = (globals, io, args) =>
  withProject(globals, io, async (p) => {
    const r = await p.listEvidence({ task: String(args[0]) });
    return { data: r, text: r.evidence.length ? r.evidence.map(describe).join("\n") : `no evidence for ${r.task}` };
  });
