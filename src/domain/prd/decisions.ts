import type { SourceLine } from "./source.js";
import type { PrdDecision } from "./types.js";

const MARKER = "[needs decision";

/**
 * Finds `[NEEDS DECISION]` and `[NEEDS DECISION: question]` markers. Fenced code is skipped:
 * a marker there is an example, not an open decision. A marker needs its `]` on the same line.
 */
export function findDecisions(lines: readonly SourceLine[], section: string): PrdDecision[] {
  const found: PrdDecision[] = [];
  for (const line of lines) {
    if (line.fenced) continue;
    for (const question of markersIn(line.text)) found.push({ question, section, line: line.n });
  }
  return found;
}

/** Linear: every "[" is looked at once, and each search starts where the previous one ended. */
export function markersIn(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  let pos = text.indexOf("[");
  while (pos >= 0) {
    if (text.slice(pos, pos + MARKER.length).toLowerCase() !== MARKER) {
      pos = text.indexOf("[", pos + 1);
      continue;
    }
    let i = pos + MARKER.length;
    while (text[i] === " " || text[i] === "\t") i++;
    const c = text[i];
    if (c !== "]" && c !== ":") {
      pos = text.indexOf("[", i);
      continue;
    }
    const close = text.indexOf("]", i);
    if (close < 0) break;
    const question = c === ":" ? text.slice(i + 1, close).trim() : "";
    out.push(question === "" ? null : question);
    pos = text.indexOf("[", close + 1);
  }
  return out;
}
