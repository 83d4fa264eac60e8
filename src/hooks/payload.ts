import { createHash } from "node:crypto";

/** What planref needs from an agent's hook payload, whichever agent sent it. */
export interface HookPayload {
  cwd: string;
  session?: string;
  tool?: string;
  /** Files an edit tool is about to touch or touched. */
  files: string[];
  /** A shell command the agent ran or is about to run. */
  command?: string;
  output?: string;
  /** Known only where the agent reports it (Claude Code's failure event, or success). */
  exitCode?: number | null;
  stopHookActive: boolean;
  source?: string;
}

const EDIT_TOOLS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit", "apply_patch", "edit", "write"]);
const SHELL_TOOLS = new Set(["Bash", "shell", "exec_command", "local_shell", "container.exec"]);

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Files named in an apply_patch body (Codex): `*** Update File: path` and friends. */
function patchFiles(patch: string): string[] {
  const out: string[] = [];
  for (const m of patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)) out.push((m[1] as string).trim());
  for (const m of patch.matchAll(/^\*\*\* Move to: (.+)$/gm)) out.push((m[1] as string).trim());
  return out;
}

/**
 * Reads Claude Code's and Codex's hook JSON (snake_case, see docs/agents.md). Throws on
 * anything that is not a JSON object, so the caller can log it and let the agent carry on.
 */
export function parsePayload(agent: "claude" | "codex", event: string, text: string): HookPayload {
  const raw = JSON.parse(text) as unknown;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error("hook payload is not a JSON object");
  const p = raw as Record<string, unknown>;
  const input = (p.tool_input && typeof p.tool_input === "object" ? p.tool_input : {}) as Record<string, unknown>;
  const response = (p.tool_response && typeof p.tool_response === "object" ? p.tool_response : {}) as Record<string, unknown>;
  const tool = str(p.tool_name);
  const files: string[] = [];
  if (tool && EDIT_TOOLS.has(tool)) {
    for (const k of ["file_path", "notebook_path", "path"]) if (str(input[k])) files.push(input[k] as string);
    const patch = str(input.patch) ?? str(input.input) ?? (tool === "apply_patch" ? str(input.command) : undefined);
    if (patch) files.push(...patchFiles(patch));
  }
  let command: string | undefined;
  if (tool && SHELL_TOOLS.has(tool)) {
    const c = input.command ?? input.cmd;
    command = Array.isArray(c) ? c.map(String).join(" ") : str(c);
    if (command && agent === "codex" && /^(bash|sh) -l?c /.test(command)) command = command.replace(/^(bash|sh) -l?c /, "");
  }
  let exitCode: number | null | undefined;
  if (event === "PostToolUseFailure") {
    // `\s*(?::\s*)?`, not `\s*:?\s*`: two adjacent \s* made a long run of spaces after "exit code" quadratic.
    const m = /(?:exit(?:ed)?(?: with)?(?: non-zero)? status(?: code)?|exit code)\s*(?::\s*)?(\d+)/i.exec(str(p.error) ?? "");
    exitCode = m ? Number(m[1]) : null;
  } else if (event === "PostToolUse" && agent === "claude" && command !== undefined) {
    // Claude Code fires PostToolUse only for commands that succeeded; failures go to PostToolUseFailure.
    exitCode = response.interrupted === true ? null : 0;
  } else if (typeof response.exit_code === "number") {
    exitCode = response.exit_code;
  }
  const output = [str(response.stdout), str(response.stderr), str(response.output), event === "PostToolUseFailure" ? str(p.error) : undefined].filter(Boolean).join("\n");
  return {
    cwd: str(p.cwd) ?? process.cwd(),
    ...(str(p.session_id) ? { session: p.session_id as string } : {}),
    ...(tool ? { tool } : {}),
    files,
    ...(command !== undefined ? { command } : {}),
    ...(output ? { output } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
    stopHookActive: p.stop_hook_active === true,
    ...(str(p.source) ? { source: p.source as string } : {}),
  };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
