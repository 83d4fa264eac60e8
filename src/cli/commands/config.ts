import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

export const getCmd: Handler = (globals, io, args) =>
  withProject(globals, io, async (p) => {
    const r = await p.getConfig(typeof args[0] === "string" ? { key: args[0] } : {});
    return { data: r, text: typeof r.value === "object" ? JSON.stringify(r.value, null, 2) : String(r.value) };
  });

export const setCmd: Handler = (globals, io, args) =>
  withProject(globals, io, async (p) => {
    const r = await p.setConfig({ key: String(args[0]), value: String(args[1]) });
    return { data: r, text: r.commit ? `${r.key}: ${JSON.stringify(r.from)} -> ${JSON.stringify(r.to)}` : `${r.key} is already ${JSON.stringify(r.to)}` };
  });
