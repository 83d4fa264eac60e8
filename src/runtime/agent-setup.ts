import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError, ValidationError } from "../errors.js";
import { discoverRepository } from "../store/git/discover.js";

export type Agent = "claude" | "codex";

interface HookEntry {
  matcher?: string;
  hooks: Array<{ type: "command"; command: string; timeout?: number }>;
}

/** Which events planref hooks, and which tools each one needs to see. */
const EVENTS: Record<Agent, Array<{ event: string; matcher?: string }>> = {
  claude: [
    { event: "SessionStart" },
    { event: "PreToolUse", matcher: "Write|Edit|MultiEdit|NotebookEdit" },
    { event: "PostToolUse", matcher: "Bash|Write|Edit|MultiEdit|NotebookEdit" },
    { event: "PostToolUseFailure", matcher: "Bash" },
    { event: "Stop" },
  ],
  codex: [{ event: "SessionStart" }, { event: "PreToolUse" }, { event: "PostToolUse" }, { event: "Stop" }],
};

export interface SetupResult {
  agent: Agent;
  file: string;
  added: string[];
  alreadyPresent: string[];
  created: boolean;
}

/** Where each agent reads project hooks from. */
export function settingsFile(agent: Agent, top: string): string {
  return agent === "claude" ? join(top, ".claude", "settings.json") : join(top, ".codex", "hooks.json");
}

/**
 * Merges planref's hook entries into the agent's project settings. Never clobbers: every
 * other key and hook stays as it was, an entry already invoking `planref hook <agent> <event>`
 * is left alone (so running setup twice changes nothing), and unreadable JSON is refused.
 */
export function setupAgentHooks(agent: Agent, top: string, invoke: string): SetupResult {
  if (agent !== "claude" && agent !== "codex") throw new UsageError(`unknown agent "${agent}"; use claude or codex`);
  const file = settingsFile(agent, top);
  const created = !existsSync(file);
  let settings: Record<string, unknown> = {};
  if (!created) {
    const text = readFileSync(file, "utf8");
    try {
      const parsed = text.trim() ? (JSON.parse(text) as unknown) : {};
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
      settings = parsed as Record<string, unknown>;
    } catch (e) {
      throw new ValidationError(`${file} is not valid JSON: ${(e as Error).message}`, [{ path: file, message: (e as Error).message }], { hint: "Fix the file by hand; planref will not overwrite it." });
    }
  }
  const hooks = (settings.hooks && typeof settings.hooks === "object" ? settings.hooks : {}) as Record<string, HookEntry[]>;
  const added: string[] = [];
  const alreadyPresent: string[] = [];
  for (const { event, matcher } of EVENTS[agent]) {
    const list = Array.isArray(hooks[event]) ? hooks[event] : [];
    const marker = `hook ${agent} ${event}`;
    if (list.some((e) => e.hooks?.some((h) => typeof h.command === "string" && h.command.includes(marker)))) {
      alreadyPresent.push(event);
      continue;
    }
    list.push({ ...(matcher ? { matcher } : {}), hooks: [{ type: "command", command: `${invoke} ${marker}`, timeout: 30 }] });
    hooks[event] = list;
    added.push(event);
  }
  if (added.length > 0) {
    settings.hooks = hooks;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.planref.tmp`;
    writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
    renameSync(tmp, file);
  }
  return { agent, file, added, alreadyPresent, created: created && added.length > 0 };
}

export interface FullSetupResult {
  hooks: SetupResult;
  mcp: { file: string; added: boolean };
  guide: { file: string; written: boolean } | null;
}

/**
 * Setup for the repository around `cwd`: the hooks, the MCP server entry, and (only when
 * asked) a short guide for the agent. Commands invoke `invoke`, by default the running
 * planref binary.
 */
export function setupAgent(agent: Agent, cwd: string, env: NodeJS.ProcessEnv, options: { invoke?: string; guide?: boolean } = {}): FullSetupResult {
  const location = discoverRepository(cwd, env);
  if (!location.workTree) throw new UsageError("planref setup needs a checkout (this repository is bare)");
  const script = process.argv[1] ?? "";
  const invoke = options.invoke ?? (/(^|\/)planref$/.test(script) ? JSON.stringify(script) : "planref");
  const top = location.workTree;
  // Refuse an unreadable .mcp.json before anything is written, so setup never stops half way.
  if (agent === "claude") readJsonObject(join(top, ".mcp.json"));
  return {
    hooks: setupAgentHooks(agent, top, invoke),
    mcp: agent === "claude" ? registerClaudeMcp(top, invoke) : registerCodexMcp(top, invoke),
    guide: options.guide ? writeGuide(join(top, agent === "claude" ? "CLAUDE.md" : "AGENTS.md")) : null,
  };
}

/** `.mcp.json`: the project's MCP servers for Claude Code. An existing planref entry is kept. */
function registerClaudeMcp(top: string, invoke: string): { file: string; added: boolean } {
  const file = join(top, ".mcp.json");
  const config = readJsonObject(file);
  const servers = (config.mcpServers && typeof config.mcpServers === "object" ? config.mcpServers : {}) as Record<string, unknown>;
  if (servers.planref) return { file, added: false };
  const [command, ...args] = splitInvoke(invoke);
  servers.planref = { command, args: [...args, "mcp"] };
  config.mcpServers = servers;
  writeAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  return { file, added: true };
}

/** `.codex/config.toml`: appends an `[mcp_servers.planref]` table unless one is there. */
function registerCodexMcp(top: string, invoke: string): { file: string; added: boolean } {
  const file = join(top, ".codex", "config.toml");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (/^\s*\[mcp_servers\.planref\]\s*$/m.test(text)) return { file, added: false };
  const [command, ...args] = splitInvoke(invoke);
  const toml = `[mcp_servers.planref]\ncommand = ${JSON.stringify(command)}\nargs = ${JSON.stringify([...args, "mcp"])}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeAtomic(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${text ? "\n" : ""}${toml}`);
  return { file, added: true };
}

const GUIDE_BEGIN = "<!-- planref:begin -->";
const GUIDE_END = "<!-- planref:end -->";

const GUIDE = `${GUIDE_BEGIN}
## Working with planref

This repository's plan lives on the git ref \`refs/plan/state\`; planref is the only way to change it.

- Find work: \`planref next\` (or the \`planref_next\` MCP tool). Claim before you edit: \`planref claim <task> --worktree\`, then work in that worktree.
- Read \`planref packet <task>\`: intent, acceptance criteria, the files you may change (scope), verification commands, earlier attempts.
- Stay inside the claimed scope. Renew your lease with \`planref heartbeat\` on long work (hooks do it on activity).
- Prove it: \`planref verify\` runs the reviewed verification commands; \`planref run -- <cmd>\` records any other command.
- Finish: \`planref submit --summary "..."\`. Your report is cross-checked against what was captured; someone else reviews; \`planref apply\` marks it done only if the evidence holds.
- If you stop early: \`planref release <task>\`.
${GUIDE_END}
`;

/** Writes the guide between markers, replacing an earlier version of it and nothing else. */
function writeGuide(file: string): { file: string; written: boolean } {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const start = text.indexOf(GUIDE_BEGIN);
  const end = text.indexOf(GUIDE_END);
  const next = start !== -1 && end > start ? `${text.slice(0, start)}${GUIDE.trimEnd()}${text.slice(end + GUIDE_END.length)}` : `${text}${text && !text.endsWith("\n") ? "\n" : ""}${text ? "\n" : ""}${GUIDE}`;
  if (next === text) return { file, written: false };
  writeAtomic(file, next);
  return { file, written: true };
}

function splitInvoke(invoke: string): string[] {
  const m = /^"((?:[^"\\]|\\.)*)"(.*)$/.exec(invoke);
  if (m) return [JSON.parse(`"${m[1]}"`) as string, ...(m[2] ?? "").trim().split(/\s+/).filter(Boolean)];
  return invoke.split(/\s+/).filter(Boolean);
}

function readJsonObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, "utf8");
  try {
    const parsed = text.trim() ? (JSON.parse(text) as unknown) : {};
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as Record<string, unknown>;
  } catch (e) {
    throw new ValidationError(`${file} is not valid JSON: ${(e as Error).message}`, [{ path: file, message: (e as Error).message }], { hint: "Fix the file by hand; planref will not overwrite it." });
  }
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.planref.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
