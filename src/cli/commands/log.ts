import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

const log: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const entries = await p.log({
      ...(typeof opts.task === "string" ? { task: opts.task } : {}),
      ...(typeof opts.actor === "string" ? { actor: opts.actor } : {}),
      ...(typeof opts.op === "string" ? { op: opts.op } : {}),
      ...(typeof opts.limit === "number" ? { limit: opts.limit } : {}),
    });
    // Columns as wide as their longest value, so a long operation name or a row without a task does not shift the rest.
    const width = (pick: (e: (typeof entries)[number]) => string | null | undefined, min: number) => Math.max(min, ...entries.map((e) => (pick(e) ?? "-").length));
    const [opWidth, actorWidth, taskWidth] = [width((e) => e.op, 10), width((e) => e.actor, 14), width((e) => e.task, 1)];
    const text = entries
      .map((e) => `${e.commit.slice(0, 12)} ${e.time} ${(e.op ?? "-").padEnd(opWidth)} ${(e.actor ?? "-").padEnd(actorWidth)} ${(e.task ?? "-").padEnd(taskWidth)}  ${e.subject}`)
      .join("\n");
    return { data: { entries }, text: text || "no matching operations" };
  });

export default log;
