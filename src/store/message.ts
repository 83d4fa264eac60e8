import type { CommitInfo } from "./types.js";

const TRAILER_RE = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/;

/** Subject, optional body, then a trailer block git's `interpret-trailers` understands. */
export function formatCommitMessage(info: Pick<CommitInfo, "subject" | "body" | "trailers">): string {
  const subject = oneLine(info.subject) || "planref update";
  const parts = [subject];
  if (info.body?.trim()) parts.push(info.body.replace(/\r/g, "").trim());
  if (info.trailers.length > 0) parts.push(info.trailers.map(([k, v]) => `${k}: ${oneLine(v)}`).join("\n"));
  return `${parts.join("\n\n")}\n`;
}

export function parseCommitMessage(message: string): { subject: string; body: string; trailers: Record<string, string[]> } {
  const paragraphs = message.replace(/\r/g, "").trimEnd().split(/\n{2,}/);
  const subject = paragraphs.shift() ?? "";
  const trailers: Record<string, string[]> = {};
  const last = paragraphs[paragraphs.length - 1];
  if (last !== undefined && last.split("\n").every((l) => TRAILER_RE.test(l))) {
    paragraphs.pop();
    for (const line of last.split("\n")) {
      const m = TRAILER_RE.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) (trailers[m[1]] ??= []).push(m[2]);
    }
  }
  return { subject, body: paragraphs.join("\n\n"), trailers };
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\x1e\0]+/g, " ").trim();
}
