import { runHook } from "../../hooks/main.js";
import { type Agent, setupAgent } from "../../runtime/agent-setup.js";
import type { Handler } from "../program.js";

export const hookCmd: Handler = async (globals, io, args) => {
  const chunks: Buffer[] = [];
  if (!process.stdin.isTTY) for await (const c of process.stdin) chunks.push(c as Buffer);
  const exitCode = await runHook(String(args[0]), String(args[1]), { stdin: Buffer.concat(chunks).toString("utf8"), stdout: io.stdout, stderr: io.stderr, env: io.env, cwd: globals.cwd });
  return { data: null, text: "", raw: true, exitCode };
};

export const setupCmd: Handler = async (globals, io, args, opts) => {
  const full = setupAgent(String(args[0]) as Agent, globals.cwd, io.env, { ...(typeof opts.bin === "string" ? { invoke: opts.bin } : {}), guide: opts.guide === true });
  const r = full.hooks;
  const lines = [r.added.length ? `${r.created ? "created" : "updated"} ${r.file}: hooks for ${r.added.join(", ")}${r.alreadyPresent.length ? ` (already there: ${r.alreadyPresent.join(", ")})` : ""}` : `${r.file} already has every planref hook`];
  lines.push(full.mcp.added ? `registered the planref MCP server in ${full.mcp.file}` : `${full.mcp.file} already registers planref`);
  if (full.guide) lines.push(full.guide.written ? `wrote the planref section of ${full.guide.file}` : `${full.guide.file} already has the planref section`);
  return { data: { ...r, mcp: full.mcp, guide: full.guide }, text: lines.join("\n") };
};
