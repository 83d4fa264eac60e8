/**
 * Brute-force cross-checks. Globs are generated over the letters {a, b}; paths are enumerated
 * over {a, b, c}, where `c` stands for every character no generated glob mentions, so a
 * bounded enumeration decides overlap exactly once the bound covers the shortest witness:
 * a product-automaton argument bounds it by (parts of x + parts of y) segments, each at
 * most (set tokens of a part of x + of a part of y) characters long (at least 1).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globMatcher, globPairOverlap, matchesGlob } from "../../../src/domain/globs/index.js";

type Token = "a" | "b" | "*" | "?" | "[ab]" | "[!a]" | "[a-b]" | "[!ab]" | "[b]";
type Segment = { kind: "globstar" } | { kind: "part"; tokens: Token[] };
interface GlobModel {
  text: string;
  segments: Segment[];
}

const SET_TOKENS: Token[] = ["a", "b", "?", "[ab]", "[!a]", "[a-b]", "[!ab]", "[b]"];

/** Regex for one token, written independently of the implementation under test. */
const TOKEN_REGEX: Record<Token, string> = {
  a: "a",
  b: "b",
  "*": "[^/]*",
  "?": "[^/]",
  "[ab]": "[ab]",
  "[!a]": "[^a/]",
  "[a-b]": "[a-b]",
  "[!ab]": "[^ab/]",
  "[b]": "b",
};

function partText(tokens: readonly Token[]): string {
  return tokens.join("");
}

/** Oracle: matches `path + "/"` so each part consumes `seg/` and a globstar `(seg/)*`. */
function oracleRegex(model: GlobModel): RegExp {
  const body = model.segments
    .map((seg) => (seg.kind === "globstar" ? "(?:[^/]+/)*" : seg.tokens.map((t) => TOKEN_REGEX[t]).join("") + "/"))
    .join("");
  return new RegExp(`^${body}$`, "u");
}

/** Adjacent stars would spell `**` inside a part (a plain star anyway) or a whole globstar segment. */
function dedupeStars(tokens: Token[]): Token[] {
  return tokens.filter((t, i) => !(t === "*" && tokens[i - 1] === "*"));
}

function partArb(maxSets: number, maxStars: number): fc.Arbitrary<Segment> {
  return fc
    .tuple(
      fc.array(fc.constantFrom(...SET_TOKENS), { minLength: 0, maxLength: maxSets }),
      fc.array(fc.nat({ max: maxSets }), { minLength: 0, maxLength: maxStars }),
    )
    .map(([sets, starPositions]) => {
      const tokens: Token[] = [...sets];
      for (const pos of [...starPositions].sort((x, y) => y - x)) tokens.splice(Math.min(pos, tokens.length), 0, "*");
      const deduped = dedupeStars(tokens);
      return { kind: "part" as const, tokens: deduped.length === 0 ? (["*"] as Token[]) : deduped };
    });
}

function globArb(options: { maxParts: number; maxSegments: number; maxSets: number; maxStars: number }): fc.Arbitrary<GlobModel> {
  const segment = fc.oneof(
    { weight: 1, arbitrary: fc.constant<Segment>({ kind: "globstar" }) },
    { weight: 3, arbitrary: partArb(options.maxSets, options.maxStars) },
  );
  return fc
    .array(segment, { minLength: 1, maxLength: options.maxSegments })
    .map((segments) => {
      // Keep at most maxParts parts (so the exactness bound holds) and no adjacent globstars.
      const kept: Segment[] = [];
      let parts = 0;
      for (const seg of segments) {
        if (seg.kind === "part") {
          if (parts >= options.maxParts) continue;
          parts += 1;
        } else if (kept[kept.length - 1]?.kind === "globstar") {
          continue;
        }
        kept.push(seg);
      }
      const final = kept.length === 0 ? [{ kind: "globstar" } as Segment] : kept;
      return {
        segments: final,
        text: final.map((seg) => (seg.kind === "globstar" ? "**" : partText(seg.tokens))).join("/"),
      };
    });
}

function enumerateSegments(maxLength: number): string[] {
  let layer = [""];
  const out: string[] = [];
  for (let len = 1; len <= maxLength; len++) {
    layer = layer.flatMap((prefix) => ["a", "b", "c"].map((ch) => prefix + ch));
    out.push(...layer);
  }
  return out;
}

function enumeratePaths(maxDepth: number, maxLength: number): string[] {
  const segments = enumerateSegments(maxLength);
  let layer = [""];
  const out: string[] = [];
  for (let depth = 1; depth <= maxDepth; depth++) {
    layer = layer.flatMap((prefix) => segments.map((seg) => (prefix === "" ? seg : `${prefix}/${seg}`)));
    out.push(...layer);
  }
  return out;
}

function sets(seg: Segment): number {
  return seg.kind === "part" ? seg.tokens.filter((t) => t !== "*").length : 0;
}

/** The depth and segment length the shortest common path can need (see the header comment). */
function witnessBound(x: GlobModel, y: GlobModel): { depth: number; length: number } {
  const parts = (m: GlobModel): number => m.segments.filter((s) => s.kind === "part").length;
  const maxSets = (m: GlobModel): number => Math.max(0, ...m.segments.map(sets));
  return { depth: Math.max(1, parts(x) + parts(y)), length: Math.max(1, maxSets(x) + maxSets(y)) };
}

const PATHS_D3_L2 = enumeratePaths(3, 2);
const SEGMENTS_L5 = enumerateSegments(5);

function commonPath(x: GlobModel, y: GlobModel, paths: readonly string[]): string | undefined {
  const mx = globMatcher(x.text);
  const my = globMatcher(y.text);
  return paths.find((p) => mx(p) && my(p));
}

describe("matchesGlob agrees with an independent regex oracle", () => {
  it("on every path up to depth 3 and segment length 2", () => {
    fc.assert(
      fc.property(globArb({ maxParts: 3, maxSegments: 4, maxSets: 3, maxStars: 2 }), (model) => {
        const matcher = globMatcher(model.text);
        const oracle = oracleRegex(model);
        for (const path of PATHS_D3_L2) {
          if (matcher(path) !== oracle.test(`${path}/`)) {
            throw new Error(`${model.text} vs ${path}: matcher ${matcher(path)}, oracle ${oracle.test(`${path}/`)}`);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("globPairOverlap against enumeration", () => {
  it("is exact when the enumeration covers the witness bound", () => {
    const small = globArb({ maxParts: 2, maxSegments: 4, maxSets: 1, maxStars: 2 });
    const tiny = globArb({ maxParts: 1, maxSegments: 3, maxSets: 1, maxStars: 2 });
    fc.assert(
      fc.property(small, tiny, (x, y) => {
        const bound = witnessBound(x, y);
        expect(bound.depth).toBeLessThanOrEqual(3);
        expect(bound.length).toBeLessThanOrEqual(2);
        const witness = commonPath(x, y, PATHS_D3_L2);
        const overlap = globPairOverlap(x.text, y.text);
        expect({ x: x.text, y: y.text, overlap }).toEqual({ x: x.text, y: y.text, overlap: witness !== undefined });
        expect(globPairOverlap(y.text, x.text)).toBe(overlap);
      }),
      { numRuns: 400 },
    );
  });

  it("never misses a common path (no false negatives) on larger globs", () => {
    const larger = globArb({ maxParts: 3, maxSegments: 5, maxSets: 3, maxStars: 3 });
    fc.assert(
      fc.property(larger, larger, (x, y) => {
        const witness = commonPath(x, y, PATHS_D3_L2);
        if (witness !== undefined) {
          expect({ x: x.text, y: y.text, witness, overlap: globPairOverlap(x.text, y.text) }).toMatchObject({ overlap: true });
        }
        const bound = witnessBound(x, y);
        if (bound.depth <= 3 && bound.length <= 2) {
          expect(globPairOverlap(x.text, y.text)).toBe(witness !== undefined);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("is exact within one segment for longer patterns", () => {
    const segmentGlob = (maxSets: number): fc.Arbitrary<GlobModel> =>
      partArb(maxSets, 3).map((seg) => ({ segments: [seg], text: partText((seg as { tokens: Token[] }).tokens) }));
    fc.assert(
      fc.property(segmentGlob(3), segmentGlob(2), (x, y) => {
        const bound = witnessBound(x, y);
        expect(bound.length).toBeLessThanOrEqual(5);
        const witness = commonPath(x, y, SEGMENTS_L5);
        expect({ x: x.text, y: y.text, overlap: globPairOverlap(x.text, y.text) }).toEqual({
          x: x.text,
          y: y.text,
          overlap: witness !== undefined,
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe("algebraic properties", () => {
  const glob = globArb({ maxParts: 3, maxSegments: 5, maxSets: 3, maxStars: 3 });
  const path = fc
    .array(fc.stringMatching(/^[abc]{1,4}$/), { minLength: 1, maxLength: 5 })
    .map((segments) => segments.join("/"));

  it("a glob overlaps a literal path exactly when it matches that path", () => {
    fc.assert(
      fc.property(glob, path, (x, p) => {
        expect(globPairOverlap(x.text, p)).toBe(matchesGlob(x.text, p));
      }),
      { numRuns: 500 },
    );
  });

  it("a path matched by both globs implies overlap", () => {
    fc.assert(
      fc.property(glob, glob, path, (x, y, p) => {
        if (matchesGlob(x.text, p) && matchesGlob(y.text, p)) expect(globPairOverlap(x.text, y.text)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("overlap is symmetric and reflexive", () => {
    fc.assert(
      fc.property(glob, glob, (x, y) => {
        expect(globPairOverlap(x.text, y.text)).toBe(globPairOverlap(y.text, x.text));
        expect(globPairOverlap(x.text, x.text)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a brace glob behaves as the union of its alternatives", () => {
    fc.assert(
      fc.property(glob, glob, glob, glob, (left, right, tail, other) => {
        const braced = `{${left.text},${right.text}}/${tail.text}`;
        const alternatives = [`${left.text}/${tail.text}`, `${right.text}/${tail.text}`];
        expect(globPairOverlap(braced, other.text)).toBe(alternatives.some((alt) => globPairOverlap(alt, other.text)));
        for (const p of ["a/b", "a/b/c", "c/a/b/a", "ab/ba/c/a"]) {
          expect(matchesGlob(braced, p)).toBe(alternatives.some((alt) => matchesGlob(alt, p)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a trailing slash means the same as /**", () => {
    fc.assert(
      fc.property(glob, glob, (x, y) => {
        expect(globPairOverlap(`${x.text}/`, y.text)).toBe(globPairOverlap(`${x.text}/**`, y.text));
      }),
      { numRuns: 200 },
    );
  });
});
