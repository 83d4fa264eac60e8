import type { IssueLog } from "./issues.js";
import { isIndented, parseBullet, parseHeading } from "./markdown.js";
import { parseFieldLine } from "./fields.js";
import type { SourceLine } from "./source.js";
import { isPlaceholder } from "./text.js";

export interface ListItem {
  text: string;
  line: number;
}

export interface BulletRun {
  items: ListItem[];
  /** Index of the first line not consumed; blank lines after the last item are left for the caller. */
  next: number;
}

export interface BulletMode {
  /**
   * Whether an unindented line right after an item continues it. True in spec-level list
   * sections; false in blocks, where such a line starts the free text (the PRD template puts
   * the task's intent directly under its last bullet).
   */
  lazy: boolean;
  /** Whether `**Field:**` lines end the run (they do in feature and task blocks). */
  stopAtFields: boolean;
}

const isBlank = (line: SourceLine): boolean => !line.fenced && line.text.trim() === "";

interface OpenItem extends ListItem {
  column: number;
  /** The last line added was fenced: the rest of that fence belongs to the item too. */
  inFence: boolean;
}

/** Reads the bullets starting at `start`, with their wrapped continuation lines; blank lines between bullets are allowed. */
export function collectBullets(lines: readonly SourceLine[], start: number, mode: BulletMode): BulletRun {
  const items: ListItem[] = [];
  let current: OpenItem | null = null;
  let afterBlank = false;
  let next = start;
  const flush = (): void => {
    if (current) items.push({ text: current.text, line: current.line });
    current = null;
  };
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    if (!line) break;
    if (isBlank(line)) {
      afterBlank = true;
      continue;
    }
    if (!line.fenced && (parseHeading(line.text) || (mode.stopAtFields && parseFieldLine(line.text)))) break;
    const bullet = line.fenced ? null : parseBullet(line.text);
    if (bullet) {
      flush();
      current = { text: bullet.content, line: line.n, column: bullet.column, inFence: false };
      afterBlank = false;
      next = i + 1;
      continue;
    }
    const open: OpenItem | null = current;
    if (!open || afterBlank) break;
    const continues = mode.lazy || isIndented(line.text) || (line.fenced && open.inFence);
    if (!continues) break;
    appendContinuation(open, line);
    next = i + 1;
  }
  flush();
  return { items, next };
}

function appendContinuation(item: OpenItem, line: SourceLine): void {
  if (line.fenced) {
    // Code keeps its line breaks and its indentation relative to the item.
    item.text += `\n${dedent(line.text, item.column).trimEnd()}`;
    item.inFence = true;
    return;
  }
  const text = line.text.trim();
  item.text = item.text === "" ? text : `${item.text} ${text}`;
  item.inFence = false;
}

function dedent(text: string, column: number): string {
  let i = 0;
  while (i < column && (text[i] === " " || text[i] === "\t")) i++;
  return text.slice(i);
}

/**
 * Reads a spec-level list section (Goals, Risks…). Lines that are not items are reported
 * once per paragraph, since the section's meaning is its bullets and nothing may vanish silently.
 */
export function readListSection(body: readonly SourceLine[], log: IssueLog, heading: string): ListItem[] {
  const items: ListItem[] = [];
  let i = 0;
  while (i < body.length) {
    const run = collectBullets(body, i, { lazy: true, stopAtFields: false });
    // One by one: spreading a run of 100,000+ bullets into push() overflows the call stack.
    for (const item of run.items) items.push(item);
    i = run.next;
    while (i < body.length && isBlank(body[i] as SourceLine)) i++;
    const first = body[i];
    if (!first) break;
    log.warn(
      first.n,
      `Line ${first.n} under "## ${heading}" is not a bullet item and was not imported`,
      'Start it with "- " to make it an item, or move free text to "## Summary" or a section of its own.',
    );
    do i++;
    while (i < body.length && !startsParagraphBreak(body[i] as SourceLine));
  }
  return items.filter((item) => !isPlaceholder(item.text));
}

function startsParagraphBreak(line: SourceLine): boolean {
  return isBlank(line) || (!line.fenced && parseBullet(line.text) !== null);
}
