import { renderGraph } from "../../app/planning.js";
import { UsageError } from "../../errors.js";
import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

export const scoreCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const task = typeof args[0] === "string" ? args[0] : undefined;
    if (typeof opts.set === "string") {
      const m = /^([A-Za-z]+)=(\d+)$/.exec(opts.set);
      if (!m) throw new UsageError(`--set takes DIM=N, got "${opts.set}"`, { hint: "For example: --set complexity=4 --reason 'touches the schema'" });
      if (!task) throw new UsageError("--set needs a task");
      if (typeof opts.reason !== "string") throw new UsageError("--set needs --reason");
      const r = await p.overrideScore({ task, dimension: m[1] as string, value: Number(m[2]), reason: opts.reason });
      return { data: { task: r.task.id, overrides: r.task.scoreOverrides, commit: r.commit }, text: `task ${r.task.id}: ${m[1]} = ${m[2]} (override recorded)` };
    }
    const r = await p.scores(task ? { task } : {});
    const lines: string[] = [];
    for (const s of r.scores) {
      lines.push(`${s.id}: ${s.title}`);
      for (const [k, v] of Object.entries(s.scores)) lines.push(`  ${k.padEnd(18)} ${v.value}  ${v.reason}${v.source === "override" ? ` (override by ${v.actor})` : ""}`);
    }
    for (const e of r.expansion) lines.push(`split ${e.taskId} into ~${e.subtasks} subtasks: ${e.reason}`);
    return { data: r, text: lines.join("\n") || "no open tasks" };
  });

export const nextCmd: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.next(typeof opts.kind === "string" ? { kind: opts.kind } : {});
    const c = r.candidate;
    const text = c
      ? [`next: ${c.id}  ${c.title}`, `  best of ${r.claimableCount} claimable, because:`, ...c.reasons.map((x) => `  - ${x}`), `claim it: planref claim ${c.id}`].join("\n")
      : `nothing to claim: ${r.reason}`;
    return { data: r, text };
  });

export const wavesCmd: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.waves(typeof opts.agents === "number" ? { agents: opts.agents } : {});
    const lines = r.waves.map((w, i) => `wave ${i + 1}: ${w.join(", ")}`);
    if (r.inFlight.length) lines.unshift(`running: ${r.inFlight.join(", ")}`);
    if (r.needsReview.length) lines.push(`needs readiness review first: ${r.needsReview.join(", ")}`);
    for (const u of r.unschedulable) lines.push(`cannot schedule ${u.taskId}: ${u.reason}`);
    for (const n of r.notes) lines.push(`note: ${n}`);
    return { data: r, text: lines.join("\n") || "nothing to schedule" };
  });

export const graphCmd: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const g = await p.graph();
    const format = (opts.format as string) ?? "mermaid";
    return { data: format === "json" ? g : { format, text: renderGraph(g, format as "mermaid" | "dot") }, text: format === "json" ? JSON.stringify(g, null, 2) : renderGraph(g, format as "mermaid" | "dot") };
  });
