/**
 * Line-level markdown recognisers. Hand-written scanners rather than regexes so that a
 * pathological line costs linear time.
 */

export interface Heading {
  level: number;
  text: string;
}

export interface Bullet {
  content: string;
  /** Column where the item text starts; fenced continuation lines are dedented by it. */
  column: number;
}

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t";
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** ATX headings only (`## Goals`); setext underlines are not part of the PRD grammar. */
export function parseHeading(text: string): Heading | null {
  let start = 0;
  while (start < 3 && text[start] === " ") start++;
  let level = 0;
  while (text[start + level] === "#") level++;
  if (level === 0 || level > 6) return null;
  const after = text[start + level];
  if (after !== undefined && !isSpace(after)) return null;
  return { level, text: stripClosingHashes(text.slice(start + level).trim()) };
}

function stripClosingHashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  if (end === text.length) return text;
  if (end === 0) return "";
  return isSpace(text[end - 1]) ? text.slice(0, end).trimEnd() : text;
}

/** `-`, `*`, `+`, `1.` and `1)` items at any indentation; a task-list checkbox is not part of the text. */
export function parseBullet(text: string): Bullet | null {
  let i = 0;
  while (isSpace(text[i])) i++;
  const marker = text[i];
  let end: number;
  if (marker === "-" || marker === "*" || marker === "+") {
    end = i + 1;
  } else {
    let d = i;
    while (d - i < 9 && isDigit(text[d])) d++;
    if (d === i || (text[d] !== "." && text[d] !== ")")) return null;
    end = d + 1;
  }
  if (end < text.length && !isSpace(text[end])) return null;
  let column = end;
  while (isSpace(text[column])) column++;
  return { content: stripCheckbox(text.slice(column).trimEnd()), column };
}

function stripCheckbox(content: string): string {
  const box = content.slice(0, 3);
  if (box !== "[ ]" && box !== "[x]" && box !== "[X]") return content;
  if (content.length > 3 && !isSpace(content[3])) return content;
  return content.slice(3).trimStart();
}

export function isIndented(text: string): boolean {
  return isSpace(text[0]);
}

/** `---`, `***`, `___` (spaces allowed): decoration between blocks, never content. */
export function isThematicBreak(text: string): boolean {
  let mark = "";
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (isSpace(c)) continue;
    if (mark === "") {
      if (c !== "-" && c !== "*" && c !== "_") return false;
      mark = c;
    } else if (c !== mark) {
      return false;
    }
    count++;
  }
  return count >= 3;
}
