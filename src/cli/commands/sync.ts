import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

export const syncCmd: Handler = (globals, io, args) =>
  withProject(globals, io, async (p) => {
    const remote = typeof args[0] === "string" ? args[0] : undefined;
    const r = await p.sync(remote ? { remote } : {});
    const tip = r.tip ? r.tip.slice(0, 12) : "none";
    const head: Record<typeof r.action, string> = {
      nothing: `neither this repository nor ${r.remote} has planref state yet`,
      "up-to-date": `up to date with ${r.remote} (${tip})`,
      adopted: `adopted ${r.remote}'s state (${tip})`,
      "fast-forward": `fast-forwarded to ${r.remote}'s state (${tip})`,
      pushed: `pushed to ${r.remote} (${tip})`,
      replayed: `replayed ${r.replayed} local operation${r.replayed === 1 ? "" : "s"} on ${r.remote}'s state and pushed (${tip})`,
    };
    const lines = [head[r.action]];
    if (r.conflicts.length) {
      lines.push(`${r.conflicts.length} operation${r.conflicts.length === 1 ? "" : "s"} did not stand on ${r.remote}'s state and became conflict records:`);
      for (const c of r.conflicts) lines.push(`  ${c.id}  ${c.actor}: ${c.op}${c.task ? ` ${c.task}` : ""}  ${c.code}  ${c.message}`);
      lines.push("See planref conflicts; acknowledge each with planref conflicts ack <id>.");
    }
    return { data: r, text: lines.join("\n") };
  });

export const conflictsCmd: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.conflicts({ ...(opts.all === true ? { all: true } : {}), ...(typeof opts.of === "string" ? { actor: opts.of } : {}) });
    const text = r.conflicts.length
      ? r.conflicts
          .map((c) => `${c.id}  ${c.at}  ${c.actor}: ${c.op}${c.task ? ` ${c.task}` : ""}  ${c.code}${c.acknowledged ? `  (acknowledged by ${c.acknowledged.by})` : ""}\n    ${c.message}\n    original operation: ${c.commit.slice(0, 12)} "${c.subject}" (git show ${c.commit.slice(0, 12)})`)
          .join("\n")
      : "no sync conflicts";
    return { data: r, text };
  });

export const ackCmd: Handler = (globals, io, args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.acknowledgeConflict({ id: String(args[0]), ...(typeof opts.note === "string" ? { note: opts.note } : {}) });
    return { data: r, text: `acknowledged ${r.conflict.id} (${r.commit.slice(0, 12)})` };
  });
