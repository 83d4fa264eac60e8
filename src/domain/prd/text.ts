/** Small text helpers shared by the section and block readers. */

const PLACEHOLDERS = new Set(["none", "n/a", "na", "tbd", "-", "--", "—", "–", "nothing"]);
const DECORATION = new Set(["*", "_", "(", ")", "[", "]", "."]);

/** "None", "_n/a_", "(TBD)", "-" and empty items mean "nothing here", not an item. */
export function isPlaceholder(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length > 20) return false;
  let start = 0;
  let end = trimmed.length;
  while (start < end && DECORATION.has(trimmed[start] ?? "")) start++;
  while (end > start && DECORATION.has(trimmed[end - 1] ?? "")) end--;
  const core = trimmed.slice(start, end).trim().toLowerCase();
  // An item made only of decoration ("...", "()") carries nothing either.
  return core === "" || PLACEHOLDERS.has(core);
}

/** Case, hyphens, underscores and repeated spaces do not distinguish heading or field names. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, " ").trim();
}

/**
 * Splits "a.ts, `b,c.ts`, src/{x,y}.ts" at top-level commas: commas inside backticks or
 * glob braces belong to the item.
 */
export function splitTopLevel(text: string, separators: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inCode = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "`") inCode = !inCode;
    else if (inCode) continue;
    else if (c === "{") depth++;
    else if (c === "}") depth = Math.max(0, depth - 1);
    else if (depth === 0 && separators.includes(c)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== "");
}

export function stripAllBackticks(text: string): string {
  return text.replaceAll("`", "").trim();
}

/** "`npm test`" → "npm test", but "`a` && `b`" stays whole: only a pair around everything goes. */
export function stripBacktickPair(text: string): string {
  const t = text.trim();
  let open = 0;
  while (t[open] === "`") open++;
  if (open === 0 || t.length <= 2 * open) return t;
  let close = 0;
  while (t[t.length - 1 - close] === "`") close++;
  if (close !== open) return t;
  const inner = t.slice(open, t.length - open);
  return inner.includes("`".repeat(open)) ? t : inner.trim();
}

export interface ProseLine {
  text: string;
  fenced: boolean;
}

/** Joins free-text lines: edges trimmed, runs of blank lines outside code collapsed to one. */
export function joinProse(lines: readonly ProseLine[]): string {
  const out: string[] = [];
  for (const line of lines) {
    const text = line.text.trimEnd();
    if (!line.fenced && text.trim() === "") {
      if (out.length > 0 && out[out.length - 1] !== "") out.push("");
      continue;
    }
    out.push(text);
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}
