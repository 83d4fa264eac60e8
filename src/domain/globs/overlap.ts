/**
 * Glob-versus-glob overlap: could some file path be matched by both globs? Claims use it to
 * refuse a scope that collides with a live claim, so the answer must be exact — string
 * equality would let `src/**` and `src/a.ts` be claimed together, and a heuristic would
 * refuse unrelated work.
 *
 * Both globs are finite automata (over segments, and within a segment over characters), and
 * two automata accept a common word exactly when their product reaches its accepting state.
 * The product is explored by dynamic programming over pairs of positions, so the cost is
 * polynomial — O(|x|·|y|) segment pairs, each O(|segment x|·|segment y|) — and stacked
 * globstars or star-heavy segments cannot blow up the way a backtracking matcher would.
 */
import { ANY_CHAR, intersects, isEmptySet } from "./charset.js";
import { compileGlob } from "./parse.js";
import type { CompiledGlob, GlobAlternative, GlobToken } from "./parse.js";

/** Whether two single-segment patterns share a non-empty string (path segments are never empty). */
export function segmentsOverlap(x: readonly GlobToken[], y: readonly GlobToken[]): boolean {
  const n = x.length;
  const m = y.length;
  const width = m + 1;
  // reach[f][i * width + j]: some string of which x[0,i) and y[0,j) both match a prefix;
  // f = 1 once that string is non-empty. All moves are monotone in (i, j, f), so one
  // ordered sweep (f = 0 before f = 1 at the same cell) settles the table.
  const empty = new Uint8Array((n + 1) * width);
  const nonEmpty = new Uint8Array((n + 1) * width);
  const tables = [empty, nonEmpty] as const;
  empty[0] = 1;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      const cell = i * width + j;
      const a = x[i];
      const b = y[j];
      for (let f = 0; f < 2; f++) {
        const table = tables[f] as Uint8Array;
        if (table[cell] !== 1) continue;
        // A star may match nothing.
        if (a?.kind === "star") table[cell + width] = 1;
        if (b?.kind === "star") table[cell + 1] = 1;
        if (a === undefined || b === undefined) continue;
        // Consume one common character: a star stays put, a set advances.
        if (a.kind === "star") {
          if (b.kind === "star") nonEmpty[cell] = 1;
          else if (!isEmptySet(b.set)) nonEmpty[cell + 1] = 1;
        } else if (b.kind === "star") {
          if (!isEmptySet(a.set)) nonEmpty[cell + width] = 1;
        } else if (intersects(a.set, b.set)) {
          nonEmpty[cell + width + 1] = 1;
        }
      }
    }
  }
  return nonEmpty[n * width + m] === 1;
}

const ANY_SEGMENT: readonly GlobToken[] = [{ kind: "set", set: ANY_CHAR }, { kind: "star" }];

function alternativesOverlap(x: GlobAlternative, y: GlobAlternative): boolean {
  const n = x.length;
  const m = y.length;
  const width = m + 1;
  // reach[i * width + j]: some path of which x[0,i) and y[0,j) both match a prefix. The
  // globstar-on-both move that consumes a segment while staying put is left out: it only
  // makes the path longer, and a path that is empty at the accepting cell means both globs
  // are all `**`, which then also share every non-empty path.
  const reach = new Uint8Array((n + 1) * width);
  reach[0] = 1;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      const cell = i * width + j;
      if (reach[cell] !== 1) continue;
      const a = x[i];
      const b = y[j];
      if (a?.kind === "globstar") reach[cell + width] = 1;
      if (b?.kind === "globstar") reach[cell + 1] = 1;
      if (a === undefined || b === undefined) continue;
      if (a.kind === "globstar" && b.kind === "part") {
        if (segmentsOverlap(ANY_SEGMENT, b.tokens)) reach[cell + 1] = 1;
      } else if (a.kind === "part" && b.kind === "globstar") {
        if (segmentsOverlap(a.tokens, ANY_SEGMENT)) reach[cell + width] = 1;
      } else if (a.kind === "part" && b.kind === "part") {
        if (segmentsOverlap(a.tokens, b.tokens)) reach[cell + width + 1] = 1;
      }
    }
  }
  return reach[n * width + m] === 1;
}

function compiledOverlap(x: CompiledGlob, y: CompiledGlob): boolean {
  return x.alternatives.some((a) => y.alternatives.some((b) => alternativesOverlap(a, b)));
}

/**
 * Whether some path is matched by both globs. Throws ValidationError if either is invalid.
 * Example: `src/**` and `src/a/b.ts` overlap; `src/*.ts` and `src/a/b.ts` do not.
 */
export function globPairOverlap(x: string, y: string): boolean {
  return compiledOverlap(compileGlob(x), compileGlob(y));
}

/**
 * Every pair `[globOfA, globOfB]` that overlaps, in input order and as written, for naming
 * the collision in a CLAIM_CONFLICT message. Throws ValidationError if any glob is invalid.
 */
export function findOverlaps(a: readonly string[], b: readonly string[]): Array<[string, string]> {
  const compiledB = b.map((glob) => compileGlob(glob));
  const pairs: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const x of a) {
    const cx = compileGlob(x);
    for (const cy of compiledB) {
      const key = JSON.stringify([x, cy.source]);
      if (seen.has(key)) continue;
      seen.add(key);
      if (compiledOverlap(cx, cy)) pairs.push([x, cy.source]);
    }
  }
  return pairs;
}

/** Whether any glob of `a` overlaps any glob of `b`. Throws ValidationError if any glob is invalid. */
export function globsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const compiledA = a.map((glob) => compileGlob(glob));
  const compiledB = b.map((glob) => compileGlob(glob));
  return compiledA.some((x) => compiledB.some((y) => compiledOverlap(x, y)));
}
