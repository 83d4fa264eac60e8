import type { Handler } from "../program.js";
import { withProject } from "../with-project.js";

const status: Handler = (globals, io) =>
  withProject(globals, io, async (p) => {
    const s = await p.status();
    const lines = [
      `project ${s.project}  (${s.ref} at ${s.tip.slice(0, 12)}, format ${s.formatVersion})`,
      `${s.documents} document(s)${Object.keys(s.collections).length ? `: ${Object.entries(s.collections).map(([k, v]) => `${k} ${v}`).join(", ")}` : ""}`,
    ];
    return { data: s, text: lines.join("\n") };
  });

export default status;
