/**
 * The server itself: which tools it lists, what their schemas promise, that stdout carries
 * nothing but protocol messages, and that it exits when the client closes stdin.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { connect, CORE, EXTRA } from "./support.js";

afterAll(cleanupAll);

describe("planref mcp: tools and transport", () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = makeRepo();
    expect((await planref(["init"], { cwd: repo.dir, env: repo.env })).code).toBe(0);
  });

  const names = async (args: string[], env: NodeJS.ProcessEnv = repo.env) => {
    const s = await connect({ cwd: repo.dir, env, args });
    try {
      return { tools: (await s.client.listTools()).tools, info: s.client.getServerVersion(), instructions: s.client.getInstructions() };
    } finally {
      await s.close();
    }
  };

  it("lists the core tools by default, each with a strict object schema taking actor and cwd", async () => {
    const { tools, info, instructions } = await names([]);
    expect(tools.map((t) => t.name)).toEqual(CORE);
    expect(info).toMatchObject({ name: "planref" });
    expect(instructions).toContain("planref_next -> planref_claim");
    for (const t of tools) {
      expect(t.description?.length, t.name).toBeGreaterThan(20);
      expect(t.inputSchema).toMatchObject({ type: "object", additionalProperties: false, properties: { actor: { type: "string" }, cwd: { type: "string" } } });
      for (const r of (t.inputSchema.required as string[] | undefined) ?? []) expect(Object.keys(t.inputSchema.properties ?? {}), t.name).toContain(r);
    }
    const claim = tools.find((t) => t.name === "planref_claim");
    expect(claim?.inputSchema.required).toEqual(["task"]);
    expect(claim?.annotations).toMatchObject({ readOnlyHint: false });
    expect(tools.find((t) => t.name === "planref_status")?.annotations).toMatchObject({ readOnlyHint: true });
    // What the default set costs an agent in context, roughly: keep an eye on it.
    expect(JSON.stringify(tools).length).toBeLessThan(8500);
  });

  it("adds tools on request: --all-tools, --tools a,b and PLANREF_MCP_TOOLS", async () => {
    expect((await names(["--all-tools"])).tools.map((t) => t.name)).toEqual([...CORE, ...EXTRA]);
    expect((await names(["--tools", "review,planref_log"])).tools.map((t) => t.name)).toEqual([...CORE, "planref_review", "planref_log"]);
    expect((await names([], { ...repo.env, PLANREF_MCP_TOOLS: "evidence_list" })).tools.map((t) => t.name)).toEqual([...CORE, "planref_evidence_list"]);
  });

  it("refuses an unknown tool name before speaking the protocol (USAGE, exit 2, nothing on stdout)", async () => {
    const r = await planref(["mcp", "--tools", "review,bogus"], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('unknown MCP tool "bogus"');
  });

  it("a tool that is not enabled is a protocol error naming the flag", async () => {
    const s = await connect({ cwd: repo.dir, env: repo.env });
    try {
      await expect(s.client.callTool({ name: "planref_log", arguments: {} })).rejects.toThrow(/tool not enabled: planref_log \(start planref mcp with --tools log\)/);
      await expect(s.client.callTool({ name: "planref_nope", arguments: {} })).rejects.toThrow(/unknown tool: planref_nope/);
    } finally {
      await s.close();
    }
  });

  it("writes only JSON-RPC to stdout, even for a command that prints, and exits 0 when stdin closes", async () => {
    const child = spawn(process.execPath, [BIN, "mcp"], { cwd: repo.dir, env: repo.env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    const reply = (id: number) =>
      new Promise<any>((resolve) => {
        const poll = setInterval(() => {
          const line = out.split("\n").find((l) => l.includes(`"id":${id}`));
          if (line) {
            clearInterval(poll);
            resolve(JSON.parse(line));
          }
        }, 10);
      });
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } });
    await reply(1);
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    // No claim: the command runs in the server's directory and is not recorded, but its output comes back.
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "planref_run", arguments: { command: ["echo to-stdout; echo to-stderr >&2; cat; exit 3"] } } });
    const r = await reply(2);
    const env = JSON.parse(r.result.content[0].text);
    expect(env).toMatchObject({ ok: true, data: { exitCode: 3, recorded: false, evidence: null, cwd: repo.dir } });
    // stdin of the command is /dev/null: `cat` ends at once instead of eating protocol bytes.
    expect(env.data.outputTail).toMatch(/to-stdout\n/);
    expect(env.data.outputTail).toMatch(/to-stderr\n/);
    child.stdin.end();
    expect(await exited).toBe(0);
    for (const line of out.split("\n").filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(out).not.toMatch(/^to-std/m);
    expect(err).toContain("planref mcp: serving 10 tools");
  });
});
