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
    const text = entries
      .map((e) => `${e.commit.slice(0, 12)} ${e.time} ${(e.op ?? "-").padEnd(10)} ${(e.actor ?? "-").padEnd(14)} ${e.task ?? "-"}  ${e.subject}`)
      .join("\n");
    return { data: { entries }, text: text || "no matching operations" };
  });

export default log;
