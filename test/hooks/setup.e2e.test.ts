/**
 * `planref setup claude|codex`: merges planref's hook entries into the agent's project
 * settings without clobbering anything, is idempotent, and refuses a file it cannot read.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

const CLAUDE_EVENTS = ["SessionStart", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop"];
const CODEX_EVENTS = ["SessionStart", "PreToolUse", "PostToolUse", "Stop"];

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, any>;
/** The planref entries of one event in a settings object. */
const planrefEntries = (settings: Record<string, any>, agent: string, event: string) =>
  (settings.hooks?.[event] ?? []).filter((e: any) => e.hooks?.some((h: any) => String(h.command).includes(`hook ${agent} ${event}`)));

describe("planref setup claude", () => {
  it("creates .claude/settings.json with one entry per event, invoking this planref; a second run changes nothing", async () => {
    const repo = makeRepo();
    const file = join(repo.dir, ".claude", "settings.json");
    const first = await planref(["setup", "claude", "--json"], { cwd: repo.dir, env: repo.env });
    expect(first.code).toBe(0);
    expect(first.json?.data).toMatchObject({ agent: "claude", file, added: CLAUDE_EVENTS, alreadyPresent: [], created: true });
    const settings = readJson(file);
    expect(Object.keys(settings.hooks)).toEqual(CLAUDE_EVENTS);
    for (const event of CLAUDE_EVENTS) {
      const [entry, ...more] = planrefEntries(settings, "claude", event);
      expect(more).toEqual([]);
      expect(entry.hooks).toEqual([{ type: "command", command: `${JSON.stringify(BIN)} hook claude ${event}`, timeout: 30 }]);
    }
    expect(settings.hooks.PreToolUse[0].matcher).toMatch(/Write/);
    expect(settings.hooks.PostToolUseFailure[0].matcher).toContain("Bash");
    expect(settings.hooks.SessionStart[0]).not.toHaveProperty("matcher");

    const bytes = readFileSync(file);
    const second = await planref(["setup", "claude"], { cwd: repo.dir, env: repo.env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("already has every planref hook");
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it("keeps every existing key and hook as it was, and adds only what is missing", async () => {
    const repo = makeRepo();
    const file = join(repo.dir, ".claude", "settings.json");
    mkdirSync(join(repo.dir, ".claude"));
    const mine = {
      $schema: "https://json.schemastore.org/claude-code-settings.json",
      model: "opus",
      permissions: { allow: ["Bash(npm test:*)", "Read(./**)"], deny: ["Read(./.env)"], defaultMode: "acceptEdits" },
      env: { FOO: "1" },
      statusLine: { type: "command", command: "~/.claude/statusline.sh" },
      hooks: {
        PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "./scripts/guard-bash.sh", timeout: 10 }] }],
        PostToolUse: [{ matcher: "Write|Edit", hooks: [{ type: "command", command: "npx prettier --write \"$CLAUDE_FILE_PATHS\"" }] }],
        Notification: [{ hooks: [{ type: "command", command: "notify-send Claude" }] }],
        // Already installed by hand, pointing elsewhere: left alone and not duplicated.
        Stop: [{ hooks: [{ type: "command", command: "/opt/planref/bin/planref hook claude Stop", timeout: 5 }] }],
      },
    };
    writeFileSync(file, `${JSON.stringify(mine, null, 4)}\n`);

    const res = await planref(["setup", "claude", "--json"], { cwd: repo.dir, env: repo.env });
    expect(res.code).toBe(0);
    expect(res.json?.data).toMatchObject({ added: ["SessionStart", "PreToolUse", "PostToolUse", "PostToolUseFailure"], alreadyPresent: ["Stop"], created: false });

    const after = readJson(file);
    const { hooks: afterHooks, ...afterRest } = after;
    const { hooks: mineHooks, ...mineRest } = mine;
    expect(afterRest).toEqual(mineRest);
    // Every hook that was there is still there, first, unchanged.
    for (const [event, entries] of Object.entries(mineHooks)) expect(afterHooks[event].slice(0, entries.length)).toEqual(entries);
    expect(afterHooks.Stop).toEqual(mineHooks.Stop);
    expect(afterHooks.Notification).toEqual(mineHooks.Notification);
    // What was added is exactly planref's entries.
    for (const event of ["SessionStart", "PreToolUse", "PostToolUse", "PostToolUseFailure"]) expect(planrefEntries(after, "claude", event)).toHaveLength(1);
    expect(afterHooks.PreToolUse).toHaveLength(2);
    expect(afterHooks.PostToolUse).toHaveLength(2);

    const bytes = readFileSync(file);
    expect((await planref(["setup", "claude"], { cwd: repo.dir, env: repo.env })).code).toBe(0);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it("refuses settings that are not valid JSON (exit 5) and leaves the file untouched", async () => {
    const repo = makeRepo();
    const file = join(repo.dir, ".claude", "settings.json");
    mkdirSync(join(repo.dir, ".claude"));
    for (const text of ['{\n  "model": "opus",\n  // comments are not JSON\n}\n', "[]\n"]) {
      writeFileSync(file, text);
      const res = await planref(["setup", "claude", "--json"], { cwd: repo.dir, env: repo.env });
      expect(res.code).toBe(5);
      expect(res.json).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", message: expect.stringContaining("settings.json is not valid JSON") } });
      expect(readFileSync(file, "utf8")).toBe(text);
      expect(existsSync(`${file}.planref.tmp`)).toBe(false);
    }
  });
});

describe("planref setup codex", () => {
  it("writes .codex/hooks.json with SessionStart, PreToolUse, PostToolUse and Stop; idempotent", async () => {
    const repo = makeRepo();
    const file = join(repo.dir, ".codex", "hooks.json");
    const res = await planref(["setup", "codex"], { cwd: repo.dir, env: repo.env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(file);
    const settings = readJson(file);
    expect(Object.keys(settings.hooks)).toEqual(CODEX_EVENTS);
    for (const event of CODEX_EVENTS) expect(planrefEntries(settings, "codex", event)).toEqual([{ hooks: [{ type: "command", command: `${JSON.stringify(BIN)} hook codex ${event}`, timeout: 30 }] }]);
    expect(existsSync(join(repo.dir, ".claude"))).toBe(false);

    const bytes = readFileSync(file);
    expect((await planref(["setup", "codex"], { cwd: repo.dir, env: repo.env })).code).toBe(0);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it("an unknown agent is a usage error and writes nothing", async () => {
    const repo = makeRepo();
    const res = await planref(["setup", "gemini", "--json"], { cwd: repo.dir, env: repo.env });
    expect(res.code).toBe(2);
    expect(res.json?.error?.code).toBe("USAGE");
    expect(existsSync(join(repo.dir, ".gemini"))).toBe(false);
  });
});
