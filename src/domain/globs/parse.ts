/**
 * Parsing and validation of scope globs (the file globs a task or claim declares).
 *
 * Dialect, chosen to read like .gitignore / minimatch while staying decidable:
 * - Paths are repository-relative and `/`-separated. A pattern is ALWAYS anchored at the
 *   repository root, even without a slash: `package.json` is the root file only (agents write
 *   it meaning that file), and `*.md` is the Markdown files at the root; put a `**` segment
 *   in front for "at any depth". This differs from .gitignore on purpose: a claim scope that
 *   silently spread over the whole tree would refuse unrelated claims.
 * - `*` is any run of characters within one segment, `?` one character, `[abc]` `[a-z]`
 *   `[!x]` `[^x]` `[[:alpha:]]` one character of a class; none of them matches `/`.
 *   Dot-files are not special: `*` matches `.env`, so scopes never miss hidden files.
 * - `**` as a whole segment is zero or more segments; elsewhere (`a**b`) it is a plain `*`.
 *   Zero segments means `src/**` also matches a file named `src`: the conservative reading
 *   for overlap checks.
 * - A trailing `/` means "everything under": `src/` is `src/**`. A leading `./`, repeated
 *   `/` and `.` segments are normalized away; `./` alone is the whole repository.
 * - `{a,b}` alternation is expanded first (nested groups allowed, `{a}` is just `a`), capped
 *   at MAX_BRACE_EXPANSIONS alternatives so a short pattern cannot explode.
 * - Everything else is literal. There is no escape character (backslashes are rejected as
 *   a likely Windows path); a literal metacharacter is written as a class: `[*]`, `[[]`, `[{]`.
 * - Matching is case-sensitive, as git is on the filesystems planref targets.
 *
 * Rejected, each with an Issue naming the reason: empty patterns, absolute paths (`/x`,
 * `C:/x`, `~/x`), `..` segments, backslashes, NUL and other control characters, surrounding
 * whitespace, a leading `!` (negation is not supported, so it must not be read as a literal),
 * unbalanced braces or brackets, `/` inside a class, reversed ranges, unknown `[:name:]`.
 */
import { ValidationError } from "../../errors.js";
import type { Issue } from "../../errors.js";
import { ANY_CHAR, complement, rangesToSet, singleChar } from "./charset.js";
import type { CharSet } from "./charset.js";

export const MAX_GLOB_LENGTH = 4096;
export const MAX_BRACE_EXPANSIONS = 256;
/** Deep nesting is never needed in a scope and would only cost stack. */
const MAX_BRACE_DEPTH = 16;

export type GlobToken = { readonly kind: "star" } | { readonly kind: "set"; readonly set: CharSet };

export type GlobSegment =
  | { readonly kind: "globstar" }
  | { readonly kind: "part"; readonly tokens: readonly GlobToken[] };

/** One brace-free pattern as a list of segments. */
export type GlobAlternative = readonly GlobSegment[];

export interface CompiledGlob {
  /** The glob exactly as given, for messages. */
  readonly source: string;
  /** Brace-expanded, normalized text of each alternative, e.g. `["src/**", "lib/**"]`. */
  readonly expanded: readonly string[];
  readonly alternatives: readonly GlobAlternative[];
}

class GlobSyntaxError {
  constructor(
    readonly reason: string,
    readonly hint: string,
  ) {}
}

const POSIX_CLASSES: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x01, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

interface ScannedClass {
  /** Index just past the closing `]`. */
  readonly end: number;
  readonly set: CharSet;
}

/** Reads a bracket class starting at `s[start] === "["`. A `]` right after `[`, `[!` or `[^` is a member. */
function scanClass(s: string, start: number): ScannedClass {
  let i = start + 1;
  let negated = false;
  if (s[i] === "!" || s[i] === "^") {
    negated = true;
    i += 1;
  }
  const ranges: Array<[number, number]> = [];
  let first = true;
  for (;;) {
    if (i >= s.length) {
      throw new GlobSyntaxError(
        `unclosed character class starting at offset ${start}`,
        "Close it with ], or write [[] for a literal [.",
      );
    }
    const c = s[i];
    if (c === "]" && !first) return { end: i + 1, set: negated ? complement(rangesToSet(ranges)) : rangesToSet(ranges) };
    if (c === "/") {
      throw new GlobSyntaxError("a character class cannot contain /", "Classes match one character of a file name; / separates directories.");
    }
    first = false;
    if (c === "[" && s[i + 1] === ":") {
      const close = s.indexOf(":]", i + 2);
      if (close !== -1) {
        const name = s.slice(i + 2, close);
        const members = POSIX_CLASSES[name];
        if (members === undefined) {
          throw new GlobSyntaxError(
            `unknown character class [:${name}:]`,
            `Known classes: ${Object.keys(POSIX_CLASSES).map((n) => `[:${n}:]`).join(" ")}.`,
          );
        }
        ranges.push(...members.map(([lo, hi]) => [lo, hi] as [number, number]));
        i = close + 2;
        continue;
      }
    }
    const lo = s.codePointAt(i) as number;
    const loWidth = lo > 0xffff ? 2 : 1;
    const afterLo = i + loWidth;
    if (s[afterLo] === "-" && afterLo + 1 < s.length && s[afterLo + 1] !== "]") {
      const hi = s.codePointAt(afterLo + 1) as number;
      if (hi === 0x2f) {
        throw new GlobSyntaxError("a character class cannot contain /", "Classes match one character of a file name; / separates directories.");
      }
      if (hi < lo) {
        throw new GlobSyntaxError(
          `reversed range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)} in a character class`,
          "Write the range low to high, e.g. [a-z].",
        );
      }
      ranges.push([lo, hi]);
      i = afterLo + 1 + (hi > 0xffff ? 2 : 1);
    } else {
      ranges.push([lo, lo]);
      i = afterLo;
    }
  }
}

type BraceNode = string | BraceGroup;
interface BraceGroup {
  readonly alternatives: BraceNode[][];
}

/** Parses brace structure; bracket classes are opaque text here so `[{]` stays a class. */
function parseBraces(s: string): BraceNode[] {
  let pos = 0;
  const parseSequence = (depth: number, inGroup: boolean): BraceNode[] => {
    const seq: BraceNode[] = [];
    let text = "";
    while (pos < s.length) {
      const c = s[pos] as string;
      if (c === "[") {
        const { end } = scanClass(s, pos);
        text += s.slice(pos, end);
        pos = end;
      } else if (c === "{") {
        if (depth >= MAX_BRACE_DEPTH) {
          throw new GlobSyntaxError(`braces nested deeper than ${MAX_BRACE_DEPTH} levels`, "Flatten the alternation or split the glob into several globs.");
        }
        const open = pos;
        pos += 1;
        if (text !== "") seq.push(text);
        text = "";
        const alternatives: BraceNode[][] = [parseSequence(depth + 1, true)];
        while (s[pos] === ",") {
          pos += 1;
          alternatives.push(parseSequence(depth + 1, true));
        }
        if (s[pos] !== "}") {
          throw new GlobSyntaxError(`unclosed { at offset ${open}`, "Close the alternation with }, or write [{] for a literal {.");
        }
        pos += 1;
        seq.push({ alternatives });
      } else if (inGroup && (c === "," || c === "}")) {
        break;
      } else if (c === "}") {
        throw new GlobSyntaxError(`unmatched } at offset ${pos}`, "Remove it, or write [}] for a literal }.");
      } else {
        text += c;
        pos += 1;
      }
    }
    if (text !== "") seq.push(text);
    return seq;
  };
  return parseSequence(0, false);
}

/** Counts alternatives without expanding them, saturating just above the cap. */
function countExpansions(seq: readonly BraceNode[]): number {
  let product = 1;
  for (const node of seq) {
    if (typeof node === "string") continue;
    let sum = 0;
    for (const alt of node.alternatives) sum = Math.min(sum + countExpansions(alt), MAX_BRACE_EXPANSIONS + 1);
    product = Math.min(product * sum, MAX_BRACE_EXPANSIONS + 1);
  }
  return product;
}

function expandSequence(seq: readonly BraceNode[]): string[] {
  let results = [""];
  for (const node of seq) {
    if (typeof node === "string") {
      results = results.map((r) => r + node);
    } else {
      const options = node.alternatives.flatMap((alt) => expandSequence(alt));
      results = results.flatMap((r) => options.map((o) => r + o));
    }
  }
  return results;
}

/**
 * Textual normalization shared by whole globs and by single expanded alternatives: drops a
 * leading `./`, empty and `.` segments, and turns a trailing `/` into `/**`. Returns "" when
 * nothing is left (the caller decides whether that is an error).
 */
function normalizeText(s: string): string {
  const trailingSlash = s.endsWith("/");
  const segments = s.split("/").filter((seg) => seg !== "" && seg !== ".");
  if (trailingSlash) segments.push("**");
  const collapsed: string[] = [];
  for (const seg of segments) {
    if (seg === "**" && collapsed[collapsed.length - 1] === "**") continue;
    collapsed.push(seg);
  }
  return collapsed.join("/");
}

function checkRaw(glob: string): void {
  if (glob.trim() === "") throw new GlobSyntaxError("the glob is empty", "Write a repository-relative path or pattern, e.g. src/** or package.json.");
  if (glob.length > MAX_GLOB_LENGTH) {
    throw new GlobSyntaxError(`the glob is longer than ${MAX_GLOB_LENGTH} characters`, "Split it into several shorter globs.");
  }
   
  const control = /[\u0000-\u001f\u007f]/.exec(glob);
  if (control !== null) {
    const code = (control[0].codePointAt(0) as number).toString(16).padStart(4, "0");
    throw new GlobSyntaxError(`the glob contains the control character U+${code} at offset ${control.index}`, "Remove it; file globs are plain text on one line.");
  }
  if (glob.includes("\\")) {
    throw new GlobSyntaxError("the glob contains a backslash", "Use / between directories; write a literal metacharacter as a class, e.g. [*].");
  }
  if (glob.trim() !== glob) throw new GlobSyntaxError("the glob has leading or trailing whitespace", "Remove the surrounding spaces.");
  if (glob.startsWith("!")) {
    throw new GlobSyntaxError("negated globs (leading !) are not supported", "List the paths that are in scope instead.");
  }
}

function checkAlternative(alt: string): string {
  if (alt.startsWith("/")) throw new GlobSyntaxError(`"${alt}" is an absolute path`, "Scopes are relative to the repository root: drop the leading /.");
  if (/^[A-Za-z]:(\/|$)/.test(alt)) throw new GlobSyntaxError(`"${alt}" is an absolute Windows path`, "Scopes are relative to the repository root.");
  const segments = alt.split("/");
  if (segments[0] === "~") throw new GlobSyntaxError(`"${alt}" is relative to a home directory`, "Scopes are relative to the repository root.");
  if (segments.includes("..")) throw new GlobSyntaxError(`"${alt}" has a .. segment`, "Scopes cannot leave the repository; write the path from the root.");
  const normalized = normalizeText(alt);
  if (normalized === "") {
    throw new GlobSyntaxError(`"${alt}" names no path`, "Use ** (or ./) for the whole repository.");
  }
  return normalized;
}

function tokenizeSegment(seg: string): GlobSegment {
  if (seg === "**") return { kind: "globstar" };
  const tokens: GlobToken[] = [];
  let i = 0;
  while (i < seg.length) {
    const c = seg[i];
    if (c === "*") {
      if (tokens[tokens.length - 1]?.kind !== "star") tokens.push({ kind: "star" });
      i += 1;
    } else if (c === "?") {
      tokens.push({ kind: "set", set: ANY_CHAR });
      i += 1;
    } else if (c === "[") {
      const { end, set } = scanClass(seg, i);
      tokens.push({ kind: "set", set });
      i = end;
    } else {
      const cp = seg.codePointAt(i) as number;
      tokens.push({ kind: "set", set: singleChar(cp) });
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return { kind: "part", tokens };
}

function compileOrThrowSyntax(glob: string): CompiledGlob {
  if (typeof glob !== "string") throw new GlobSyntaxError("the glob is not a string", "Pass each glob as a string.");
  checkRaw(glob);
  const tree = parseBraces(glob);
  const count = countExpansions(tree);
  if (count > MAX_BRACE_EXPANSIONS) {
    throw new GlobSyntaxError(
      `brace alternation expands to more than ${MAX_BRACE_EXPANSIONS} patterns`,
      "Use a wildcard instead of enumerating, or split the glob into several globs.",
    );
  }
  const expanded: string[] = [];
  for (const alt of expandSequence(tree)) {
    const normalized = checkAlternative(alt);
    if (!expanded.includes(normalized)) expanded.push(normalized);
  }
  const alternatives = expanded.map((text) => text.split("/").map(tokenizeSegment));
  return { source: glob, expanded, alternatives };
}

function toIssue(glob: string, err: GlobSyntaxError): Issue {
  return { message: `invalid glob ${JSON.stringify(glob)}: ${err.reason}`, hint: err.hint };
}

/** Returns the reason a glob is unusable as a scope, or null when it is valid. */
export function validateGlob(glob: string): Issue | null {
  try {
    compileOrThrowSyntax(glob);
    return null;
  } catch (err) {
    if (err instanceof GlobSyntaxError) return toIssue(glob, err);
    throw err;
  }
}

/** Every issue of a list of globs; each carries a JSON pointer to its index. */
export function validateGlobs(globs: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  globs.forEach((glob, index) => {
    const issue = validateGlob(glob);
    if (issue !== null) issues.push({ ...issue, pointer: `/${index}` });
  });
  return issues;
}

/** Parses a glob; throws ValidationError (VALIDATION_FAILED) with one issue if it is invalid. */
// Plans repeat the same globs thousands of times (waves, next, the scope guard); compiling is
// pure, so each distinct glob is compiled once. The cap keeps a long-lived server bounded.
const compiled = new Map<string, CompiledGlob>();
const COMPILE_CACHE_MAX = 50_000;

export function compileGlob(glob: string): CompiledGlob {
  const hit = compiled.get(glob);
  if (hit) return hit;
  try {
    const c = compileOrThrowSyntax(glob);
    if (compiled.size >= COMPILE_CACHE_MAX) compiled.clear();
    compiled.set(glob, c);
    return c;
  } catch (err) {
    if (err instanceof GlobSyntaxError) {
      const issue = toIssue(glob, err);
      throw new ValidationError(issue.message, [issue], { hint: err.hint });
    }
    throw err;
  }
}

/**
 * The canonical text of a valid glob: `./src/` becomes `src/**`, `a//b` becomes `a/b`.
 * Braces are kept (normalization inside them happens when the glob is compiled).
 * Throws ValidationError if the glob is invalid.
 */
export function normalizeGlob(glob: string): string {
  compileGlob(glob);
  const normalized = normalizeText(glob);
  return normalized === "" ? "**" : normalized;
}
