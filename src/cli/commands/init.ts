import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

const init: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.init(typeof opts.name === "string" ? { name: opts.name } : {});
    const text = r.created
      ? `Initialized planref state for "${r.plan.project.name}" on refs/plan/state (${r.commit.slice(0, 12)}).`
      : `planref state already exists for "${r.plan.project.name}" (refs/plan/state at ${r.commit.slice(0, 12)}).`;
    return { data: { created: r.created, commit: r.commit, project: r.plan.project.name, formatVersion: r.plan.formatVersion }, text };
  });

export default init;
