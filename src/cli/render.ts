import type { Issue, PlanrefError } from "../errors.js";
import type { CliIo, CommandOutput } from "./io.js";

export function renderSuccess(io: CliIo, json: boolean, out: CommandOutput): void {
  for (const w of out.warnings ?? []) io.stderr(`planref: warning: ${w}\n`);
  if (json) io.stdout(`${JSON.stringify({ ok: true, data: out.data })}\n`);
  else if (out.raw) io.stdout(out.text);
  else if (out.text) io.stdout(out.text.endsWith("\n") ? out.text : `${out.text}\n`);
}

/** The one place errors become text or the JSON envelope. */
export function renderError(io: CliIo, json: boolean, err: PlanrefError): void {
  if (json) {
    io.stdout(`${JSON.stringify({ ok: false, error: err.toJSON() })}\n`);
    return;
  }
  const lines = [`planref: error: ${err.message}`];
  const issues = (err.data as { issues?: Issue[] }).issues;
  if (Array.isArray(issues) && issues.length > 1) {
    for (const i of issues.slice(0, 20)) lines.push(`  - ${formatIssue(i)}`);
    if (issues.length > 20) lines.push(`  ... and ${issues.length - 20} more (use --json for all)`);
  }
  if (err.hint) lines.push(`hint: ${err.hint}`);
  io.stderr(`${lines.join("\n")}\n`);
}

export function formatIssue(i: Issue): string {
  const place = [i.path, i.line].filter((x) => x !== undefined).join(":");
  const pointer = i.pointer ? ` (${i.pointer})` : "";
  const at = i.commit ? ` @${i.commit.slice(0, 12)}` : "";
  return `${place ? `${place}${at}: ` : ""}${i.message}${pointer}`;
}
