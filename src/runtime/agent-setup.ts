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

/** Setup for the repository around `cwd`; hooks invoke `invoke`, by default the running planref binary. */
export function setupAgent(agent: Agent, cwd: string, env: NodeJS.ProcessEnv, invoke?: string): SetupResult {
  const location = discoverRepository(cwd, env);
  if (!location.workTree) throw new UsageError("planref setup needs a checkout (this repository is bare)");
  const script = process.argv[1] ?? "";
  const defaultInvoke = /(^|\/)planref$/.test(script) ? JSON.stringify(script) : "planref";
  return setupAgentHooks(agent, location.workTree, invoke ?? defaultInvoke);
}
