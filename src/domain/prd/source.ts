import type { IssueLog } from "./issues.js";
import { isThematicBreak, parseHeading } from "./markdown.js";

export interface SourceLine {
  /** 1-based line number in the original text; comment removal drops lines but never renumbers. */
  readonly n: number;
  readonly text: string;
  /** Inside a fenced code block, fence lines included: content, never a heading, field or bullet. */
  readonly fenced: boolean;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Lines as an editor counts them: a final newline does not start another line. */
export function countSourceLines(text: string): number {
  if (text === "") return 0;
  const lines = splitLines(text);
  return lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
}

interface OpenFence {
  char: string;
  size: number;
  line: number;
  hidesHeading: boolean;
}

function openFence(text: string, line: number): OpenFence | null {
  const s = text.trimStart();
  const char = s[0];
  if (char !== "`" && char !== "~") return null;
  let size = 0;
  while (s[size] === char) size++;
  if (size < 3) return null;
  // A backtick run with more backticks after it on the line is inline code (CommonMark).
  if (char === "`" && s.includes("`", size)) return null;
  return { char, size, line, hidesHeading: false };
}

function closesFence(text: string, fence: OpenFence): boolean {
  const s = text.trim();
  if (s.length < fence.size) return false;
  for (let i = 0; i < s.length; i++) if (s[i] !== fence.char) return false;
  return true;
}

interface Stripped {
  text: string;
  /** The line held (part of) a comment: if nothing else is left it vanishes rather than becoming a blank line. */
  touched: boolean;
  open: boolean;
  /** Still inside the comment that was open before this line. */
  continued: boolean;
}

function stripComments(text: string, inComment: boolean): Stripped {
  let pos = 0;
  let out = "";
  if (inComment) {
    const close = text.indexOf("-->");
    if (close < 0) return { text: "", touched: true, open: true, continued: true };
    pos = close + 3;
  }
  let touched = inComment;
  for (;;) {
    const open = text.indexOf("<!--", pos);
    if (open < 0) return { text: out + text.slice(pos), touched, open: false, continued: false };
    out += text.slice(pos, open);
    touched = true;
    const close = text.indexOf("-->", open + 4);
    if (close < 0) return { text: out, touched, open: true, continued: false };
    pos = close + 3;
  }
}

/**
 * Turns the raw text into lines with HTML comments removed, fenced code marked and
 * thematic breaks blanked. Everything later works on these lines, so no other reader
 * has to know about comments or fences.
 */
export function readSource(text: string, log: IssueLog): SourceLine[] {
  const out: SourceLine[] = [];
  const raw = splitLines(text);
  let fence: OpenFence | null = null;
  let commentLine = 0;
  for (let index = 0; index < raw.length; index++) {
    const rawText = raw[index] ?? "";
    const n = index + 1;
    if (fence) {
      if (closesFence(rawText, fence)) fence = null;
      else if (parseHeading(rawText)) fence.hidesHeading = true;
      out.push({ n, text: rawText, fenced: true });
      continue;
    }
    const stripped = stripComments(rawText, commentLine !== 0);
    commentLine = !stripped.open ? 0 : stripped.continued ? commentLine : n;
    if (stripped.touched && stripped.text.trim() === "") continue;
    const opened = openFence(stripped.text, n);
    if (opened) {
      fence = opened;
      out.push({ n, text: stripped.text, fenced: true });
      continue;
    }
    out.push({ n, text: isThematicBreak(stripped.text) ? "" : stripped.text, fenced: false });
  }
  if (commentLine !== 0) {
    log.error(
      commentLine,
      `HTML comment opened on line ${commentLine} is never closed, so everything after it would be ignored`,
      'Close the comment with "-->" or remove the "<!--".',
    );
  }
  const unclosed: OpenFence | null = fence;
  if (unclosed) {
    const message = `Code fence opened on line ${unclosed.line} is never closed`;
    const hint = `Close it with a line of ${unclosed.char.repeat(unclosed.size)} (the same character, at least as many).`;
    // Only an error when headings disappear into the fence; a trailing code sample is harmless.
    if (unclosed.hidesHeading) log.error(unclosed.line, `${message}, so the headings after it are read as code`, hint);
    else log.warn(unclosed.line, `${message}; it runs to the end of the file`, hint);
  }
  return out;
}
