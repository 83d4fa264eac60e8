import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

describe("planref setup registers the MCP server and, when asked, writes the agent guide", () => {
  it("claude: merges into .mcp.json, keeps other servers, idempotent; --guide writes CLAUDE.md once", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo.dir, ".mcp.json"), JSON.stringify({ mcpServers: { other: { command: "x", args: ["y"] } }, extra: true }));
    writeFileSync(join(repo.dir, "CLAUDE.md"), "# Project notes\n\nKeep this.\n");
    const first = await planref(["setup", "claude", "--guide", "--bin", "planref", "--json"], { cwd: repo.dir, env: repo.env });
    expect(first.json?.data).toMatchObject({ mcp: { added: true }, guide: { written: true } });
    const mcp = JSON.parse(readFileSync(join(repo.dir, ".mcp.json"), "utf8"));
    expect(mcp).toEqual({ mcpServers: { other: { command: "x", args: ["y"] }, planref: { command: "planref", args: ["mcp"] } }, extra: true });
    const guide = readFileSync(join(repo.dir, "CLAUDE.md"), "utf8");
    expect(guide.startsWith("# Project notes\n\nKeep this.\n")).toBe(true);
    expect(guide).toContain("<!-- planref:begin -->");
    const again = await planref(["setup", "claude", "--guide", "--bin", "planref", "--json"], { cwd: repo.dir, env: repo.env });
    expect(again.json?.data).toMatchObject({ added: [], mcp: { added: false }, guide: { written: false } });
    expect(readFileSync(join(repo.dir, "CLAUDE.md"), "utf8")).toBe(guide);
    expect(JSON.parse(readFileSync(join(repo.dir, ".mcp.json"), "utf8"))).toEqual(mcp);
  });

  it("without --guide no instructions file is touched", async () => {
    const repo = makeRepo();
    const r = await planref(["setup", "codex", "--bin", "planref", "--json"], { cwd: repo.dir, env: repo.env });
    expect(r.json?.data.guide).toBeNull();
    expect(() => readFileSync(join(repo.dir, "AGENTS.md"))).toThrow();
  });

  it("codex: appends [mcp_servers.planref] to .codex/config.toml once, keeping what is there", async () => {
    const repo = makeRepo();
    await planref(["setup", "codex", "--bin", "planref"], { cwd: repo.dir, env: repo.env });
    const file = join(repo.dir, ".codex", "config.toml");
    writeFileSync(file, `model = "o4"\n\n${readFileSync(file, "utf8")}`);
    const before = readFileSync(file, "utf8");
    await planref(["setup", "codex", "--bin", "planref"], { cwd: repo.dir, env: repo.env });
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(before).toContain('model = "o4"');
    expect(before.match(/\[mcp_servers\.planref\]/g)).toHaveLength(1);
    expect(before).toContain('args = ["mcp"]');
  });

  it("an invalid .mcp.json is refused and left untouched", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo.dir, ".mcp.json"), "{ not json");
    const r = await planref(["setup", "claude", "--json"], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(5);
    expect(readFileSync(join(repo.dir, ".mcp.json"), "utf8")).toBe("{ not json");
    // Nothing else was written either.
    expect(() => readFileSync(join(repo.dir, ".claude", "settings.json"))).toThrow();
  });
});
