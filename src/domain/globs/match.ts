/**
 * Matching one concrete path against a glob. The scope guard uses this for every file an
 * agent edits, so a glob is compiled once (globMatcher) and reused across paths.
 */
import { containsChar } from "./charset.js";
import { compileGlob } from "./parse.js";
import type { CompiledGlob, GlobAlternative, GlobToken } from "./parse.js";

/**
 * Splits a repository-relative file path into segments of code points, or returns null when
 * the string cannot name a file inside the repository: empty, absolute, containing `.`/`..`
 * or empty segments, a trailing `/`, or NUL. A leading `./` is tolerated because tools print it.
 */
function splitPath(path: string): number[][] | null {
  let p = path;
  while (p.startsWith("./")) p = p.slice(2);
  if (p === "" || p.startsWith("/") || p.includes("\0")) return null;
  const segments: number[][] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === "." || seg === "..") return null;
    segments.push(Array.from(seg, (ch) => ch.codePointAt(0) as number));
  }
  return segments;
}

/** Whether one path segment (non-empty, as code points) matches a single-segment pattern. */
export function segmentMatches(tokens: readonly GlobToken[], chars: readonly number[]): boolean {
  if (chars.length === 0) return false;
  const n = tokens.length;
  // Reachable pattern positions after each character: a classic NFA simulation, O(n·len).
  let current = new Uint8Array(n + 1);
  current[0] = 1;
  closeOverStars(tokens, current);
  for (const cp of chars) {
    const next = new Uint8Array(n + 1);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (current[i] !== 1) continue;
      const token = tokens[i] as GlobToken;
      if (token.kind === "star") {
        next[i] = 1;
        any = true;
      } else if (containsChar(token.set, cp)) {
        next[i + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    closeOverStars(tokens, next);
    current = next;
  }
  return current[n] === 1;
}

/** A star may match nothing, so reaching it also reaches the position after it. */
function closeOverStars(tokens: readonly GlobToken[], reach: Uint8Array): void {
  for (let i = 0; i < tokens.length; i++) {
    if (reach[i] === 1 && tokens[i]?.kind === "star") reach[i + 1] = 1;
  }
}

function alternativeMatches(alt: GlobAlternative, path: readonly (readonly number[])[]): boolean {
  const n = alt.length;
  const k = path.length;
  const width = k + 1;
  // reach[i * width + p]: pattern segments [0, i) can match path segments [0, p).
  // Every move is monotone in (i, p), so one ordered sweep settles the table.
  const reach = new Uint8Array((n + 1) * width);
  reach[0] = 1;
  for (let p = 0; p <= k; p++) {
    for (let i = 0; i <= n; i++) {
      if (reach[i * width + p] !== 1 || i === n) continue;
      const seg = alt[i];
      if (seg === undefined) continue;
      if (seg.kind === "globstar") {
        reach[(i + 1) * width + p] = 1;
        if (p < k) reach[i * width + p + 1] = 1;
      } else if (p < k && segmentMatches(seg.tokens, path[p] as number[])) {
        reach[(i + 1) * width + p + 1] = 1;
      }
    }
  }
  return reach[n * width + k] === 1;
}

function compiledMatches(compiled: CompiledGlob, path: string): boolean {
  const segments = splitPath(path);
  if (segments === null) return false;
  return compiled.alternatives.some((alt) => alternativeMatches(alt, segments));
}

/**
 * Whether `path` (repository-relative, `/`-separated) is matched by `glob`.
 * A string that cannot name a file in the repository (absolute, `..`, empty) matches nothing,
 * so a scope guard reports it as out of scope. Throws ValidationError for an invalid glob.
 */
export function matchesGlob(glob: string, path: string): boolean {
  return compiledMatches(compileGlob(glob), path);
}

/** Compiles a glob once for matching many paths; throws ValidationError for an invalid glob. */
export function globMatcher(glob: string): (path: string) => boolean {
  const compiled = compileGlob(glob);
  return (path) => compiledMatches(compiled, path);
}

/** Whether any of the globs matches the path (an empty list matches nothing). */
export function matchesAnyGlob(globs: readonly string[], path: string): boolean {
  return globs.some((glob) => matchesGlob(glob, path));
}
