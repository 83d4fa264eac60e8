import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { discoverRepository, type HookProject, openHookProject } from "../runtime/hook-project.js";
import { parsePayload, sha256 } from "./payload.js";

export interface HookIo {
  stdin: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const CLAUDE_EVENTS = ["SessionStart", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop"] as const;
export const CODEX_EVENTS = ["SessionStart", "PreToolUse", "PostToolUse", "Stop"] as const;

/**
 * `planref hook claude|codex <event>`: reads the agent's JSON on stdin and answers in the
 * agent's documented output format. A hook never breaks the agent: bad input or an
 * internal error allows the action (exit 0) and is logged.
 */
export async function runHook(agent: string, event: string, io: HookIo): Promise<number> {
  let project: HookProject | null = null;
  try {
    if (agent !== "claude" && agent !== "codex") throw new Error(`unknown agent "${agent}" (claude or codex)`);
    const payload = parsePayload(agent, event, io.stdin);
    project = openHookProject({ cwd: payload.cwd, env: io.env, oneShot: true });
    switch (event) {
      case "SessionStart": {
        const text = await project.sessionContext({ cwd: payload.cwd });
        if (text) io.stdout(`${JSON.stringify({ hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: text } })}\n`);
        return 0;
      }
      case "PreToolUse": {
        const d = await project.guardEdit({ cwd: payload.cwd, files: payload.files });
        if (d.action === "deny") {
          io.stdout(`${JSON.stringify({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: d.reason } })}\n`);
        } else if (d.action === "warn") {
          io.stdout(`${JSON.stringify({ systemMessage: `planref: ${d.reason}`, hookSpecificOutput: { hookEventName: "PreToolUse", additionalContext: `planref warning: ${d.reason}` } })}\n`);
        }
        return 0;
      }
      case "PostToolUse":
      case "PostToolUseFailure": {
        const base = { cwd: payload.cwd, agent, event, ...(payload.tool ? { tool: payload.tool } : {}), ...(payload.session ? { session: payload.session } : {}) };
        if (payload.command !== undefined) {
          const output = payload.output ?? "";
          await project.recordObserved({
            ...base,
            command: { command: payload.command, outcome: { exitCode: payload.exitCode ?? null, durationMs: 0, output, outputSha256: sha256(output), outputBytes: Buffer.byteLength(output) } },
          });
        } else if (payload.files.length > 0) {
          await project.recordObserved({ ...base, files: payload.files });
        }
        return 0;
      }
      case "Stop": {
        if (payload.stopHookActive) return 0;
        const reminder = await project.stopReminder({ cwd: payload.cwd });
        if (reminder) io.stdout(`${JSON.stringify({ decision: "block", reason: reminder })}\n`);
        return 0;
      }
      default:
        // Agents add events over time: allow, and leave a trace of what was not handled.
        logHookProblem(project, io, agent, event, new Error(`event ${event} is not handled by planref; allowed`));
        return 0;
    }
  } catch (e) {
    logHookProblem(project, io, agent, event, e);
    return 0;
  } finally {
    await project?.close().catch(() => {});
  }
}

function logHookProblem(project: HookProject | null, io: HookIo, agent: string, event: string, e: unknown): void {
  // One problem, one line: a message quoting the payload must not be able to forge log lines.
  const message = ((e as Error)?.message ?? String(e)).replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  const line = `${new Date().toISOString()} hook ${agent} ${event}: ${message}\n`;
  io.stderr(`planref: ${line}`);
  try {
    // Without a project (the payload could not even be read), find the repository from the hook's own directory.
    const commonDir = project?.location.commonDir ?? discoverRepository(io.cwd, io.env).commonDir;
    const dir = join(commonDir, "planref");
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, "hooks.log"), line);
  } catch {
    /* logging must not fail the hook either */
  }
}
