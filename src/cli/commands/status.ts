import { formatDuration } from "../format.js";
import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

const status: Handler = (globals, io) =>
  withProject(globals, io, async (p) => {
    const s = await p.status();
    const lines = [`project ${s.project}  (${s.ref} at ${s.tip.slice(0, 12)}, format ${s.formatVersion})`];
    if (s.specs.length) lines.push(`specs: ${s.specs.map((x) => `${x.id} (${x.status})`).join(", ")}`);
    lines.push(`tasks: ${s.tasks.total}${s.tasks.total ? `  ${Object.entries(s.tasks.byStatus).map(([k, v]) => `${k} ${v}`).join(", ")}` : ""}`);
    if (s.claims.length) {
      lines.push("claims:");
      for (const c of s.claims) {
        const when = c.secondsLeft >= 0 ? `expires in ${formatDuration(c.secondsLeft)}` : `expired ${formatDuration(c.secondsLeft)} ago`;
        lines.push(`  ${c.task}  ${c.holder} (${c.kind}, epoch ${c.epoch})  ${when}${c.state === "stale" ? "  STALE: anyone may take it over" : c.state === "expiring" ? "  expiring soon" : ""}`);
      }
    }
    lines.push(s.ready.length ? `ready to claim: ${s.ready.join(", ")}` : "ready to claim: none");
    if (s.conflicts.length) {
      lines.push(`sync conflicts (${s.conflicts.length}, not replayed on ${[...new Set(s.conflicts.map((c) => c.remote))].join(", ")}):`);
      for (const c of s.conflicts) lines.push(`  ${c.id}  ${c.actor}: ${c.op}${c.task ? ` ${c.task}` : ""}  ${c.code}  ${c.message}`);
      lines.push(`  see them with planref conflicts; acknowledge with planref conflicts ack <id>`);
    }
    return { data: s, text: lines.join("\n") };
  });

export default status;
