/**
 * Drives the real, built `planref mcp` over stdio with the SDK's own client, in temp
 * repositories prepared through the CLI.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BIN, planref } from "../helpers/cli.js";
import { makeRepo, type TempRepo } from "../helpers/git-repo.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const PRD = join(ROOT, "fixtures/prd/invoice-export.md");
export const T001 = "invoice-export.T001";

export const CORE = [
  "planref_status",
  "planref_next",
  "planref_task_show",
  "planref_claim",
  "planref_heartbeat",
  "planref_release",
  "planref_packet",
  "planref_run",
  "planref_verify",
  "planref_submit",
];
export const EXTRA = ["planref_review", "planref_apply_dry_run", "planref_task_list", "planref_log", "planref_waves", "planref_evidence_list"];

export interface Session {
  client: Client;
  stderr: () => string;
  /** Calls a tool and parses the envelope of its text content. */
  call(name: string, args?: Record<string, unknown>, options?: { signal?: AbortSignal; timeout?: number }): Promise<ToolReply>;
  close(): Promise<void>;
}

export interface ToolReply {
  isError: boolean;
  envelope: { ok: boolean; data?: any; error?: { code: string; message: string; hint?: string; details?: any } };
  structured: any;
}

/** Starts `planref mcp [args]` in `cwd` with `env` and completes the MCP handshake. */
export async function connect(options: { cwd: string; env: NodeJS.ProcessEnv; args?: string[] }): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", ...(options.args ?? [])],
    cwd: options.cwd,
    env: options.env as Record<string, string>,
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => (err += d.toString("utf8")));
  const client = new Client({ name: "planref-test", version: "0" });
  await client.connect(transport);
  return {
    client,
    stderr: () => err,
    call: async (name, args = {}, callOptions = {}) => {
      const r = (await client.callTool({ name, arguments: args }, undefined, callOptions)) as { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: unknown };
      const text = r.content[0]?.text ?? "";
      return { isError: r.isError === true, envelope: JSON.parse(text), structured: r.structuredContent };
    },
    close: () => client.close(),
  };
}

/** A repository with the invoice-export spec approved and T001 ready, verification `true`. */
export async function preparedRepo(): Promise<TempRepo> {
  const repo = makeRepo();
  for (const args of [["init"], ["spec", "import", PRD], ["spec", "review", "invoice-export", "--approve"], ["task", "edit", "T001", "--verify", "true"], ["task", "review", "T001", "--approve"]]) {
    const r = await planref(args, { cwd: repo.dir, env: repo.env });
    if (r.code !== 0) throw new Error(`planref ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  }
  return repo;
}
