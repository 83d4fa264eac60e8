import { UsageError } from "../../errors.js";
import { startMcpServer } from "../../mcp/server.js";
import { selectTools } from "../../mcp/tools.js";
import type { Handler } from "../program.js";

/** `planref mcp`: serves until the client closes stdin (or SIGINT/SIGTERM), then closes every project. */
const mcp: Handler = async (globals, io, _args, opts) => {
  if (globals.json) throw new UsageError("planref mcp speaks MCP (JSON-RPC) on stdout; --json does not apply", { hint: "Run planref mcp without --json." });
  const tools = selectTools({
    ...(typeof opts.tools === "string" ? { tools: opts.tools } : {}),
    allTools: opts.allTools === true,
    ...(io.env.PLANREF_MCP_TOOLS ? { env: io.env.PLANREF_MCP_TOOLS } : {}),
  });
  // stdout is the protocol: anything a dependency logs goes to stderr instead.
  for (const level of ["log", "info", "debug"] as const) console[level] = (...a: unknown[]) => console.error(...a);
  const server = await startMcpServer({
    stdin: process.stdin,
    stdout: process.stdout,
    log: (line) => io.stderr(`planref mcp: ${line}\n`),
    env: io.env,
    cwd: globals.cwd,
    ...(globals.actor ? { actor: globals.actor } : {}),
    tools,
  });
  const onSignal = () => void server.close();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await server.done;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.stdin.destroy();
  }
  return { data: { tools }, text: "" };
};

export default mcp;
