/**
 * Sets of characters (Unicode code points) as sorted inclusive ranges. Every single-character
 * construct of a glob (a literal, `?`, a bracket class) becomes one of these, so matching and
 * overlap reduce to membership and intersection.
 *
 * The universe is what can appear inside one path segment: every code point except NUL
 * (never in a path) and `/` (it separates segments, so no single-segment construct may match it).
 */

/** Flat list `[lo0, hi0, lo1, hi1, ...]`: inclusive, sorted, disjoint and non-adjacent. */
export type CharSet = readonly number[];

const MIN_CODE_POINT = 0x1;
const MAX_CODE_POINT = 0x10ffff;
const SLASH = 0x2f;

export const ANY_CHAR: CharSet = [MIN_CODE_POINT, SLASH - 1, SLASH + 1, MAX_CODE_POINT];

export function singleChar(cp: number): CharSet {
  // Every literal character of every glob comes through here: skip the sort and intersection
  // for the usual case, where the set is already normalized.
  if (cp >= MIN_CODE_POINT && cp <= MAX_CODE_POINT && cp !== SLASH) return [cp, cp];
  return rangesToSet([[cp, cp]]);
}

/** Normalizes arbitrary (possibly overlapping, unsorted) ranges and clips them to the universe. */
export function rangesToSet(ranges: ReadonlyArray<readonly [number, number]>): CharSet {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).map(([lo, hi]) => [lo, hi] as [number, number]);
  sorted.sort((x, y) => x[0] - y[0]);
  const merged: number[] = [];
  for (const [lo, hi] of sorted) {
    const lastHi = merged[merged.length - 1];
    if (lastHi !== undefined && lo <= lastHi + 1) {
      if (hi > lastHi) merged[merged.length - 1] = hi;
    } else {
      merged.push(lo, hi);
    }
  }
  return intersect(merged, ANY_CHAR);
}

export function complement(set: CharSet): CharSet {
  const out: number[] = [];
  let next = MIN_CODE_POINT;
  for (let k = 0; k < set.length; k += 2) {
    const lo = set[k] as number;
    const hi = set[k + 1] as number;
    if (lo > next) out.push(next, lo - 1);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return intersect(out, ANY_CHAR);
}

export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i] as number, b[j] as number);
    const aHi = a[i + 1] as number;
    const bHi = b[j + 1] as number;
    const hi = Math.min(aHi, bHi);
    if (lo <= hi) out.push(lo, hi);
    if (aHi < bHi) i += 2;
    else j += 2;
  }
  return out;
}

export function intersects(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const aHi = a[i + 1] as number;
    const bHi = b[j + 1] as number;
    if (Math.max(a[i] as number, b[j] as number) <= Math.min(aHi, bHi)) return true;
    if (aHi < bHi) i += 2;
    else j += 2;
  }
  return false;
}

export function containsChar(set: CharSet, cp: number): boolean {
  // Sets are tiny in practice (a class lists a handful of ranges); a linear scan beats bookkeeping.
  for (let k = 0; k < set.length; k += 2) {
    if (cp < (set[k] as number)) return false;
    if (cp <= (set[k + 1] as number)) return true;
  }
  return false;
}

export function isEmptySet(set: CharSet): boolean {
  return set.length === 0;
}
