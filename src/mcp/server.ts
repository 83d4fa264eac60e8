/**
 * `planref mcp`: the MCP front end on stdio. It only translates: tool arguments are checked
 * against the tool's schema, the use case runs through the same project binding the CLI
 * uses, and its result or PlanrefError becomes a tool result in the CLI's --json envelope.
 * Nothing but protocol messages goes to stdout; logs go to stderr.
 */
import { resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { Server, type ServerOptions } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, type CallToolResult, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { toPlanrefError } from "../errors.js";
import type { Project } from "../runtime/open-project.js";
import { VERSION } from "../version.js";
import { capturingRunner, runScope } from "./runner.js";
import { validateArgs } from "./schema.js";
import { TOOLS, type ToolDef } from "./tools.js";

export interface McpServerOptions {
  stdin: Readable;
  stdout: Writable;
  log: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** The server's directory: where calls act unless they pass `cwd`. */
  cwd: string;
  /** Who acts unless a call passes `actor` (default: $PLANREF_ACTOR, else the git user). */
  actor?: string;
  /** Names of the tools to expose. */
  tools: readonly string[];
}

export interface RunningServer {
  /** Resolves once the connection is closed and every project is closed. */
  done: Promise<void>;
  close(): Promise<void>;
}

const INSTRUCTIONS = [
  "planref keeps this repository's plan on the git ref refs/plan/state: tasks, claims (leases), evidence, reviews.",
  "Loop: planref_next -> planref_claim -> planref_packet -> work (planref_heartbeat while working; planref_run records commands) -> planref_verify -> planref_submit.",
  'Errors come back as {"ok":false,"error":{code,message,hint}}; the hint names the next step. LEASE_LOST: stop working on that task.',
].join("\n");

/**
 * The SDK checks elicitation replies against a JSON Schema with this; planref never elicits,
 * so it is never called, and the SDK's default (an ajv instance with formats, ~15-45 ms to
 * set up) is not built at every start.
 */
const NO_ELICITATION: NonNullable<ServerOptions["jsonSchemaValidator"]> = {
  getValidator: () => () => ({ valid: false, data: undefined, errorMessage: "planref mcp does not elicit input" }),
};

/**
 * The store and the use cases (most of the bundle) load after the handshake, not before it:
 * initialize and tools/list need none of it. Loading starts once the tools are listed (or
 * shortly after initialize), so the first call normally finds it loaded.
 */
let projectCode: Promise<typeof import("../runtime/open-project.js")> | undefined;
const loadProjectCode = () => (projectCode ??= import("../runtime/open-project.js"));

/** Projects kept open across calls, per (directory, actor); only idle ones are ever closed early. */
class ProjectPool {
  private readonly open = new Map<string, { project: Project; users: number }>();
  private static readonly MAX = 8;

  acquire(cwd: string, actor: string | undefined, make: () => Project): { project: Project; release: () => void } {
    const key = `${cwd}\0${actor ?? ""}`;
    let entry = this.open.get(key);
    if (entry) this.open.delete(key);
    else entry = { project: make(), users: 0 };
    this.open.set(key, entry); // most recently used last
    entry.users++;
    this.evict();
    const e = entry;
    return { project: e.project, release: () => void e.users-- };
  }

  private evict(): void {
    for (const [key, e] of this.open) {
      if (this.open.size <= ProjectPool.MAX) return;
      if (e.users > 0) continue;
      this.open.delete(key);
      void e.project.close().catch(() => {});
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map((e) => e.project.close()));
  }
}

export async function startMcpServer(options: McpServerOptions): Promise<RunningServer> {
  const enabled = new Map<string, ToolDef>(TOOLS.filter((t) => options.tools.includes(t.name)).map((t) => [t.name, t]));
  const runner = capturingRunner({ env: options.env, log: (line) => options.log(line) });
  const pool = new ProjectPool();
  const inflight = new Set<Promise<unknown>>();

  const server = new Server({ name: "planref", version: VERSION }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: NO_ELICITATION });
  const preload = () => void loadProjectCode().catch(() => {}); // a failure surfaces in the call that needs the code

  const listed: Tool[] = [...enabled.values()].map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema as unknown as Tool["inputSchema"],
    annotations: t.readOnly ? { readOnlyHint: true } : { readOnlyHint: false, destructiveHint: false },
  }));
  server.setRequestHandler(ListToolsRequestSchema, () => {
    setImmediate(preload); // after the reply is written
    return { tools: listed };
  });
  server.oninitialized = () => void setTimeout(preload, 100).unref();

  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const tool = enabled.get(request.params.name);
    if (!tool) {
      const known = TOOLS.some((t) => t.name === request.params.name);
      throw new McpError(ErrorCode.InvalidParams, `${known ? "tool not enabled" : "unknown tool"}: ${request.params.name}${known ? ` (start planref mcp with --tools ${request.params.name.replace(/^planref_/, "")})` : ""}`);
    }
    const token = request.params._meta?.progressToken;
    let step = 0;
    const progress =
      token === undefined
        ? undefined
        : (message: string) =>
            void extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: ++step, message } }).catch(() => {});
    const call = runScope.run({ signal: extra.signal, ...(progress ? { progress } : {}) }, () => callTool(tool, request.params.arguments));
    inflight.add(call);
    return call.finally(() => inflight.delete(call));
  });

  async function callTool(tool: ToolDef, input: unknown): Promise<CallToolResult> {
    let lease: { project: Project; release: () => void } | undefined;
    try {
      const args = validateArgs(tool.name, tool.inputSchema, input);
      const cwd = typeof args.cwd === "string" ? resolve(options.cwd, args.cwd) : options.cwd;
      const actor = (args.actor as string | undefined) ?? options.actor;
      const { openProject } = await loadProjectCode();
      lease = pool.acquire(cwd, actor, () => openProject({ cwd, env: options.env, runner, ...(actor ? { actor } : {}) }));
      const data = await tool.call(lease.project, args, { cwd, cwdGiven: args.cwd !== undefined });
      return { content: [{ type: "text", text: JSON.stringify({ ok: true, data }) }], structuredContent: data as Record<string, unknown> };
    } catch (e) {
      const err = toPlanrefError(e);
      if (err.code === "INTERNAL") options.log(`${tool.name} failed: ${(err.cause as Error | undefined)?.stack ?? err.message}`);
      const error = err.toJSON();
      return { isError: true, content: [{ type: "text", text: JSON.stringify({ ok: false, error }) }], structuredContent: error as unknown as Record<string, unknown> };
    } finally {
      lease?.release();
    }
  }

  let finish: () => void = () => {};
  const closed = new Promise<void>((r) => (finish = r));
  server.onclose = () => finish();
  server.onerror = (e) => options.log(`protocol error: ${e.message}`);

  const transport = new StdioServerTransport(options.stdin, options.stdout);
  // The client closing our stdin, or going away under our stdout, ends the session.
  const stop = () => void server.close().catch(() => finish());
  options.stdin.once("end", stop);
  options.stdin.once("close", stop);
  options.stdout.on("error", stop);
  await server.connect(transport);
  options.log(`serving ${enabled.size} tools on stdio (planref ${VERSION})`);

  const done = closed.then(async () => {
    // Closing aborted every running call (their commands get SIGTERM); let them record and finish.
    await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 5_000).unref())]);
    await pool.closeAll();
  });
  return {
    done,
    close: async () => {
      stop();
      await done;
    },
  };
}
