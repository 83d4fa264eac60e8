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

/** Linear scan: each search starts where the previous one ended. */
export function markersIn(text: string): (string | null)[] {
  // ASCII-only lowering keeps indexes aligned with `text` (toLowerCase can change lengths).
  const lower = text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  const out: (string | null)[] = [];
  let pos = lower.indexOf(MARKER);
  while (pos >= 0) {
    let i = pos + MARKER.length;
    while (lower[i] === " " || lower[i] === "\t") i++;
    const c = lower[i];
    if (c !== "]" && c !== ":") {
      pos = lower.indexOf(MARKER, i);
      continue;
    }
    const close = lower.indexOf("]", i);
    if (close < 0) break;
    const question = c === ":" ? text.slice(i + 1, close).trim() : "";
    out.push(question === "" ? null : question);
    pos = lower.indexOf(MARKER, close + 1);
  }
  return out;
}
