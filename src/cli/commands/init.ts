import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

const init: Handler = (globals, io, _args, opts) =>
  withProject(globals, io, async (p) => {
    const r = await p.init({
      ...(typeof opts.name === "string" ? { name: opts.name } : {}),
      ...(typeof opts.remote === "string" || opts.remote === false ? { remote: opts.remote } : {}),
      ...(typeof opts.fetchRefspec === "string" ? { fetchRefspec: opts.fetchRefspec } : {}),
    });
    const lines = [
      r.adoptedFrom
        ? `Adopted ${r.adoptedFrom}'s planref state for "${r.plan.project.name}" (refs/plan/state at ${r.commit.slice(0, 12)}).`
        : r.created
          ? `Initialized planref state for "${r.plan.project.name}" on refs/plan/state (${r.commit.slice(0, 12)}).`
          : `planref state already exists for "${r.plan.project.name}" (refs/plan/state at ${r.commit.slice(0, 12)}).`,
    ];
    if (r.refspec) lines.push(r.refspec.added ? `git fetch ${r.refspec.remote} now also brings the state (${r.refspec.refspec}).` : `git fetch ${r.refspec.remote} already brings the state.`);
    else if (r.remotesWithoutRefspec?.length) lines.push(`Share it with planref sync ${r.remotesWithoutRefspec[0]}; to make plain git fetch bring it too: planref init --fetch-refspec ${r.remotesWithoutRefspec[0]}`);
    return {
      data: {
        created: r.created,
        commit: r.commit,
        project: r.plan.project.name,
        formatVersion: r.plan.formatVersion,
        ...(r.adoptedFrom ? { adoptedFrom: r.adoptedFrom } : {}),
        ...(r.refspec ? { refspec: r.refspec } : {}),
        ...(r.remotesWithoutRefspec ? { remotesWithoutRefspec: r.remotesWithoutRefspec } : {}),
      },
      text: lines.join("\n"),
    };
  });

export default init;
