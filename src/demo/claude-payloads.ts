import { randomBytes } from "node:crypto";
import type { Finished } from "./processes.js";

/**
 * Claude Code's hook payloads, in the shapes it sends (recorded samples live in
 * test/hooks/payloads/claude): what a simulated agent hands to `planref hook claude`.
 */
export interface ClaudeSession {
  sessionId: string;
  transcriptPath: string;
}

const common = (s: ClaudeSession, cwd: string, event: string) => ({
  session_id: s.sessionId,
  transcript_path: s.transcriptPath,
  cwd,
  hook_event_name: event,
  permission_mode: "default",
});

const toolUseId = () => `toolu_01${randomBytes(12).toString("base64url").slice(0, 22)}`;

export function postWrite(s: ClaudeSession, cwd: string, file: string, content: string, created: boolean): object {
  return {
    ...common(s, cwd, "PostToolUse"),
    tool_name: "Write",
    tool_input: { file_path: file, content },
    tool_use_id: toolUseId(),
    tool_response: { type: created ? "create" : "update", filePath: file, content, structuredPatch: [] },
  };
}

/** One replacement is the Edit tool; several in one file are MultiEdit. */
export function postEdit(s: ClaudeSession, cwd: string, file: string, replacements: Array<{ oldString: string; newString: string }>, originalFile: string): object {
  const [only] = replacements;
  if (replacements.length === 1 && only) {
    return {
      ...common(s, cwd, "PostToolUse"),
      tool_name: "Edit",
      tool_input: { file_path: file, old_string: only.oldString, new_string: only.newString, replace_all: false },
      tool_use_id: toolUseId(),
      tool_response: { filePath: file, oldString: only.oldString, newString: only.newString, originalFile, structuredPatch: [], userModified: false, replaceAll: false },
    };
  }
  const edits = replacements.map((r) => ({ old_string: r.oldString, new_string: r.newString, replace_all: false }));
  return {
    ...common(s, cwd, "PostToolUse"),
    tool_name: "MultiEdit",
    tool_input: { file_path: file, edits },
    tool_use_id: toolUseId(),
    tool_response: { filePath: file, edits, originalFileContents: originalFile, structuredPatch: [], userModified: false },
  };
}

/**
 * After a Bash command: PostToolUse when it succeeded (Claude Code sends no exit code then),
 * PostToolUseFailure with the exit status in `error` when it did not.
 */
export function postBash(s: ClaudeSession, cwd: string, command: string, description: string, result: Finished): { event: string; payload: object } {
  const input = { command, description, timeout: 120000, run_in_background: false };
  if (result.code === 0) {
    return {
      event: "PostToolUse",
      payload: { ...common(s, cwd, "PostToolUse"), tool_name: "Bash", tool_input: input, tool_use_id: toolUseId(), tool_response: { stdout: result.stdout, stderr: result.stderr, interrupted: false, isImage: false } },
    };
  }
  return {
    event: "PostToolUseFailure",
    payload: { ...common(s, cwd, "PostToolUseFailure"), tool_name: "Bash", tool_input: input, tool_use_id: toolUseId(), error: `Command exited with non-zero status code ${result.code ?? 1}`, is_interrupt: false },
  };
}
