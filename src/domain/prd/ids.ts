/**
 * Id grammar. Written ids are the identity of requirements, features and tasks, so the
 * pattern is strict: a letter, digits, and dot-separated sub-numbers (T003.1).
 */

export type IdKind = "R" | "F" | "T";

export const MAX_ID_LENGTH = 64;

const WRITTEN_ID = /^[RFT]\d+(?:\.\d+)*$/;
const SAFE_CHARS = /^[A-Za-z0-9._-]+$/;

export function isWrittenId(token: string): boolean {
  return token.length <= MAX_ID_LENGTH && WRITTEN_ID.test(token);
}

/** Ids end up in file names and command lines: no separators, no "..", no leading "." or "-". */
export function isSafeId(id: string): boolean {
  if (id.length === 0 || id.length > MAX_ID_LENGTH) return false;
  if (!SAFE_CHARS.test(id) || id.includes("..")) return false;
  return id[0] !== "." && id[0] !== "-";
}

export type LeadingId =
  | { kind: "id"; id: string; rest: string }
  | { kind: "none"; rest: string }
  | { kind: "invalid"; token: string }
  | { kind: "wrongKind"; id: string };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/**
 * Reads an id at the start of a heading or bullet. The id must be a whole token: "T001: x"
 * and "T001 x" carry T001, but "R2D2 something" carries no id at all (not R2). A token
 * followed by ":" that starts like an id of the expected kind but is malformed is reported
 * rather than quietly becoming part of the title.
 */
export function readLeadingId(text: string, expected: IdKind): LeadingId {
  const s = text.trim();
  let end = 0;
  while (end < s.length && s[end] !== ":" && s[end] !== " " && s[end] !== "\t") end++;
  const token = s.slice(0, end);
  const colon = s[end] === ":";
  if (isWrittenId(token)) {
    if (token[0] === expected) return { kind: "id", id: token, rest: afterSeparator(s, end) };
    return colon ? { kind: "wrongKind", id: token } : { kind: "none", rest: s };
  }
  if (colon && token[0] === expected && isDigit(token[1])) return { kind: "invalid", token };
  return { kind: "none", rest: s };
}

const SEPARATORS = new Set([":", "-", "–", "—"]);

function afterSeparator(s: string, from: number): string {
  let i = from;
  while (s[i] === " " || s[i] === "\t") i++;
  if (SEPARATORS.has(s[i] ?? "")) i++;
  return s.slice(i).trim();
}

/** The parent of T003.1 is T003; top-level ids have none. */
export function parentOf(id: string): string | null {
  if (!isWrittenId(id)) return null;
  const dot = id.lastIndexOf(".");
  return dot < 0 ? null : id.slice(0, dot);
}

const SLUG_MAX = 40;

/**
 * A generated id comes from the title, never from the block's position, so inserting a block
 * before it does not change it. Accents fold to ASCII; a title with no ASCII letters at all
 * falls back to a hash of the title.
 */
export function slugOf(title: string): string {
  const folded = title.slice(0, SLUG_MAX * 4).normalize("NFKD").toLowerCase();
  let out = "";
  let gap = false;
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i] ?? "";
    const code = c.charCodeAt(0);
    if ((c >= "a" && c <= "z") || (c >= "0" && c <= "9")) {
      const dash = gap && out !== "" ? "-" : "";
      if (out.length + dash.length + 1 > SLUG_MAX) break;
      out += dash + c;
      gap = false;
    } else if (code < 0x300 || code > 0x36f) {
      gap = true;
    }
  }
  return out !== "" ? out : `h${fnv1a(title).toString(36)}`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Hands out unique generated ids; a repeated title gets -2, -3… in document order. */
export class IdAllocator {
  readonly #taken: Set<string>;
  readonly #nextSuffix = new Map<string, number>();

  constructor(taken: Iterable<string>) {
    this.#taken = new Set(taken);
  }

  generate(kind: IdKind, title: string): string {
    const base = `${kind}-${slugOf(title)}`;
    let id = base;
    let n = this.#nextSuffix.get(base) ?? 2;
    while (this.#taken.has(id)) id = `${base}-${n++}`;
    this.#nextSuffix.set(base, n);
    this.#taken.add(id);
    return id;
  }
}

/** Suggests written ids (T006, T007…) after the highest one in use, for hints. */
export class IdSuggester {
  #next: number;
  readonly #kind: IdKind;

  constructor(kind: IdKind, written: Iterable<string>) {
    this.#kind = kind;
    let max = 0;
    for (const id of written) {
      if (id[0] !== kind || !isWrittenId(id)) continue;
      const top = Number(id.slice(1).split(".")[0]);
      if (Number.isSafeInteger(top)) max = Math.max(max, top);
    }
    this.#next = max + 1;
  }

  next(): string {
    return `${this.#kind}${String(this.#next++).padStart(3, "0")}`;
  }
}
