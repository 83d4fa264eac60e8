import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/errors.js";
import {
  MAX_BRACE_EXPANSIONS,
  compileGlob,
  findOverlaps,
  globMatcher,
  globPairOverlap,
  globsOverlap,
  matchesAnyGlob,
  matchesGlob,
  normalizeGlob,
  validateGlob,
  validateGlobs,
} from "../../../src/domain/globs/index.js";

describe("validateGlob", () => {
  const valid = [
    "src/a.ts",
    "src/**",
    "src/",
    "./src/a.ts",
    "**/*.test.ts",
    "package.json",
    "*.md",
    "{src,lib}/x.ts",
    "src/{a,{b,c}}/*.ts",
    "src/[a-z]*.ts",
    "src/[!_]*.ts",
    "src/[^_]*.ts",
    "src/[]]x",
    "src/[[]x",
    "src/[[:digit:]].ts",
    "app/(marketing)/page.tsx",
    "docs/ä/файл.md",
    "a/b/c/d/e/f/g",
    "./",
    "**",
  ];
  it.each(valid)("accepts %s", (glob) => {
    expect(validateGlob(glob)).toBeNull();
  });

  const invalid: Array<[string, RegExp]> = [
    ["", /empty/],
    ["   ", /empty/],
    ["/etc/passwd", /absolute path/],
    ["C:/repo/src", /absolute Windows path/],
    ["c:", /absolute Windows path/],
    ["~/notes.md", /home directory/],
    ["../outside", /\.\. segment/],
    ["src/../../etc", /\.\. segment/],
    ["src/..", /\.\. segment/],
    ["{src,..}/x", /\.\. segment/],
    ["{/etc,src}/x", /absolute path/],
    ["src\\a.ts", /backslash/],
    ["src/\0a", /control character U\+0000/],
    ["src/a\nb", /control character U\+000a/],
    [" src/a.ts", /whitespace/],
    ["src/a.ts ", /whitespace/],
    ["!src/a.ts", /negated/],
    ["src/{a,b", /unclosed \{/],
    ["src/a,b}", /unmatched \}/],
    ["src/[abc", /unclosed character class/],
    ["src/[a/b]", /cannot contain \//],
    ["src/[!/]", /cannot contain \//],
    ["src/[a-/]", /cannot contain \//],
    ["src/[z-a]", /reversed range/],
    ["src/[[:nope:]]", /unknown character class/],
    [".", /names no path/],
    ["{".repeat(20) + "a" + "}".repeat(20), /nested deeper/],
    ["x".repeat(5000), /longer than/],
  ];
  it.each(invalid)("rejects %j", (glob, reason) => {
    const issue = validateGlob(glob);
    expect(issue).not.toBeNull();
    expect(issue?.message).toMatch(reason);
    expect(issue?.message).toContain("invalid glob");
    expect(issue?.hint).toBeTruthy();
  });

  it("caps brace expansion and says so", () => {
    // 2^9 = 512 alternatives, above the cap of 256.
    const bomb = "{a,b}".repeat(9);
    expect(validateGlob(bomb)?.message).toMatch(new RegExp(`more than ${MAX_BRACE_EXPANSIONS}`));
    // 2^8 = 256 is allowed.
    expect(validateGlob("{a,b}".repeat(8))).toBeNull();
  });

  it("rejects a brace bomb without expanding it", () => {
    // 2^40 alternatives: counting must saturate instead of expanding.
    const bomb = "{a,b}".repeat(40);
    expect(validateGlob(bomb)?.message).toMatch(/more than/);
  });

  it("validateGlobs points at every bad index", () => {
    const issues = validateGlobs(["src/**", "/abs", "ok.ts", "../x"]);
    expect(issues.map((i) => i.pointer)).toEqual(["/1", "/3"]);
  });

  it("compileGlob throws a ValidationError carrying the issue", () => {
    let caught: unknown;
    try {
      compileGlob("../x");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const err = caught as ValidationError;
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.message).toMatch(/\.\. segment/);
    expect(err.hint).toBeTruthy();
  });

  it("matching and overlap throw on invalid globs rather than guessing", () => {
    expect(() => matchesGlob("/abs/x", "abs/x")).toThrow(ValidationError);
    expect(() => globPairOverlap("src/**", "../x")).toThrow(ValidationError);
    expect(() => globsOverlap(["src/**"], ["a\\b"])).toThrow(ValidationError);
    expect(() => findOverlaps(["{a,b"], ["x"])).toThrow(ValidationError);
  });
});

describe("normalizeGlob", () => {
  it.each([
    ["src/", "src/**"],
    ["./src/", "src/**"],
    ["././src//a.ts", "src/a.ts"],
    ["src/./a.ts", "src/a.ts"],
    ["src/**/**/a.ts", "src/**/a.ts"],
    ["./", "**"],
    ["package.json", "package.json"],
    ["{src,lib}/", "{src,lib}/**"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeGlob(input)).toBe(expected);
  });

  it("expands braces, normalizing each alternative", () => {
    expect(compileGlob("{./src/,lib}/x").expanded).toEqual(["src/x", "lib/x"]);
    expect(compileGlob("{src/,lib/}").expanded).toEqual(["src/**", "lib/**"]);
    expect(compileGlob("{a,a}/x").expanded).toEqual(["a/x"]);
    expect(compileGlob("a{,.d}.ts").expanded).toEqual(["a.ts", "a.d.ts"]);
    expect(compileGlob("{a}").expanded).toEqual(["a"]);
  });
});

describe("matchesGlob", () => {
  const cases: Array<[string, string, boolean]> = [
    ["src/a.ts", "src/a.ts", true],
    ["src/a.ts", "src/b.ts", false],
    ["src/a.ts", "src/a.tsx", false],
    ["src/a.ts", "x/src/a.ts", false],
    // Anchored at the root even without a slash.
    ["package.json", "package.json", true],
    ["package.json", "packages/x/package.json", false],
    ["*.md", "README.md", true],
    ["*.md", "docs/README.md", false],
    ["**/*.md", "docs/README.md", true],
    ["**/*.md", "README.md", true],
    // `*` and `?` stay inside one segment.
    ["src/*.ts", "src/a.ts", true],
    ["src/*.ts", "src/a/b.ts", false],
    ["src/*", "src/a", true],
    ["src/*", "src", false],
    ["src/?.ts", "src/a.ts", true],
    ["src/?.ts", "src/ab.ts", false],
    ["a?b", "a/b", false],
    // `**` is zero or more whole segments.
    ["src/**", "src/a/b.ts", true],
    ["src/**", "src/a.ts", true],
    ["src/**", "src", true],
    ["src/**", "srcx/a", false],
    ["src/**/a.ts", "src/a.ts", true],
    ["src/**/a.ts", "src/x/y/z/a.ts", true],
    ["src/**/a.ts", "src/x/y/z/b.ts", false],
    ["**", "anything/at/all", true],
    ["**/test/**", "a/test/b/c.ts", true],
    ["**/test/**", "test", true],
    ["**/test/**", "a/testing/b", false],
    // `**` inside a segment is a plain star.
    ["src/a**b", "src/axxb", true],
    ["src/a**b", "src/ax/xb", false],
    // Trailing slash means everything under.
    ["src/", "src/deep/file", true],
    ["src/", "src/file", true],
    ["src/", "lib/file", false],
    // Dot-files are ordinary.
    ["*", ".env", true],
    ["**/*.json", ".vscode/settings.json", true],
    // Classes.
    ["src/[abc].ts", "src/b.ts", true],
    ["src/[abc].ts", "src/d.ts", false],
    ["src/[a-c].ts", "src/b.ts", true],
    ["src/[!a].ts", "src/a.ts", false],
    ["src/[!a].ts", "src/b.ts", true],
    ["src/[^a].ts", "src/b.ts", true],
    ["src/[]]", "src/]", true],
    ["src/[*]", "src/*", true],
    ["src/[*]", "src/a", false],
    ["src/[[:digit:]]x", "src/7x", true],
    ["src/[[:digit:]]x", "src/ax", false],
    // Braces.
    ["{src,lib}/x.ts", "lib/x.ts", true],
    ["{src,lib}/x.ts", "test/x.ts", false],
    ["src/{a,b/c}.ts", "src/b/c.ts", true],
    ["*.{ts,tsx}", "a.tsx", true],
    ["*.{ts,tsx}", "a.js", false],
    // Case-sensitive, like git.
    ["README.md", "readme.md", false],
    // Unicode counts per code point.
    ["docs/?.md", "docs/ä.md", true],
    ["docs/?.md", "docs/😀.md", true],
    // Literal characters that are special elsewhere.
    ["app/(marketing)/page.tsx", "app/(marketing)/page.tsx", true],
    ["a+b/c$d.ts", "a+b/c$d.ts", true],
    ["a.b", "axb", false],
    // Paths that cannot name a repository file match nothing.
    ["**", "", false],
    ["**", "/etc/passwd", false],
    ["**", "../x", false],
    ["**", "src//a", false],
    ["**", "src/./a", false],
    ["src/**", "src/", false],
    // A leading ./ is tolerated because tools print it.
    ["src/a.ts", "./src/a.ts", true],
  ];
  it.each(cases)("%s vs %s -> %s", (glob, path, expected) => {
    expect(matchesGlob(glob, path)).toBe(expected);
    expect(globMatcher(glob)(path)).toBe(expected);
  });

  it("matchesAnyGlob checks a whole scope", () => {
    expect(matchesAnyGlob(["src/export/**", "test/export/**"], "test/export/csv.test.ts")).toBe(true);
    expect(matchesAnyGlob(["src/export/**", "test/export/**"], "src/http/server.ts")).toBe(false);
    expect(matchesAnyGlob([], "src/a.ts")).toBe(false);
  });
});

describe("globPairOverlap", () => {
  const cases: Array<[string, string, boolean]> = [
    // The cases named in the brief.
    ["src/**", "src/a/b.ts", true],
    ["src/*.ts", "src/a/b.ts", false],
    ["**/*.test.ts", "test/export/csv.test.ts", true],
    ["src/export/*.ts", "src/http/*.ts", false],
    ["{src,lib}/x.ts", "lib/*.ts", true],
    ["src/", "src/deep/file", true],
    // Plain paths.
    ["src/a.ts", "src/a.ts", true],
    ["src/a.ts", "src/b.ts", false],
    ["./src/a.ts", "src/a.ts", true],
    ["package.json", "**/package.json", true],
    ["package.json", "packages/*/package.json", false],
    // Wildcards within one segment.
    ["src/*.ts", "src/*.js", false],
    ["src/a*", "src/*b", true],
    ["src/a*", "src/b*", false],
    ["src/*a", "src/*b", false],
    ["src/*a*", "src/*b*", true],
    ["src/?", "src/??", false],
    ["src/??", "src/*", true],
    ["src/a?c", "src/?b?", true],
    ["*.test.ts", "*.spec.ts", false],
    ["*.test.ts", "*.ts", true],
    ["*x.ts", "*.tsx", false],
    ["a*b*c", "*c*b*", true],
    ["a*b*c", "*c*b*a", false],
    // Classes intersect as sets.
    ["[a-c]", "[b-z]", true],
    ["[ab]", "[cd]", false],
    ["[!a]", "a", false],
    ["[!a]", "[ab]", true],
    ["[!ab]", "[ab]", false],
    ["[!a]", "[!b]", true],
    ["[[:digit:]]", "[a-z]", false],
    ["[[:alnum:]]", "[a-z]", true],
    ["?", "[!a]", true],
    // `**` across segments.
    ["src/**", "lib/**", false],
    ["src/**", "src", true],
    ["**/a", "**/b", false],
    ["**/a/**", "**/b/**", true],
    ["**/a", "b/**", true],
    ["a/**/b", "**/c/**", true],
    ["a/**/b", "a/*", true],
    ["a/**/b", "a/*/c", false],
    ["src/**/*.ts", "src/*/x.js", false],
    ["src/**/*.ts", "src/*/x.ts", true],
    ["**/**/**/**/a", "**/**/**/b", false],
    ["**/**/**/**/a", "**/**/**/a", true],
    ["**", "x", true],
    ["**", "**", true],
    ["test/**", "**/*.test.ts", true],
    ["test/unit/*.ts", "test/*/*.test.ts", true],
    ["test/unit/*.ts", "test/*.ts", false],
    // Braces.
    ["{src,lib}/**", "test/**", false],
    ["*.{ts,js}", "*.{tsx,jsx}", false],
    ["*.{ts,js}", "x.js", true],
    // Literal metacharacters in classes.
    ["src/[*]", "src/a", false],
    ["src/[*]", "src/*", true],
  ];
  it.each(cases)("%s ∩ %s -> %s", (x, y, expected) => {
    expect(globPairOverlap(x, y)).toBe(expected);
    expect(globPairOverlap(y, x)).toBe(expected);
  });

  it("matches the overlap of two paths to their equality", () => {
    expect(globPairOverlap("a/b/c.ts", "a/b/c.ts")).toBe(true);
    expect(globPairOverlap("a/b/c.ts", "a/b/c.tsx")).toBe(false);
  });
});

describe("globsOverlap and findOverlaps", () => {
  it("names every overlapping pair, as written", () => {
    const live = ["src/export/**", "test/export/*.test.ts", "docs/"];
    const wanted = ["src/export/csv.ts", "src/http/*.ts", "./docs/guide.md", "{test,bench}/export/csv*"];
    expect(findOverlaps(wanted, live)).toEqual([
      ["src/export/csv.ts", "src/export/**"],
      ["./docs/guide.md", "docs/"],
      ["{test,bench}/export/csv*", "test/export/*.test.ts"],
    ]);
    expect(globsOverlap(wanted, live)).toBe(true);
  });

  it("is false for disjoint scopes and for empty scopes", () => {
    expect(globsOverlap(["src/export/**"], ["src/http/**", "test/http/**"])).toBe(false);
    expect(findOverlaps(["src/export/**"], ["src/http/**"])).toEqual([]);
    expect(globsOverlap([], ["**"])).toBe(false);
    expect(globsOverlap(["**"], [])).toBe(false);
  });

  it("reports a repeated pair once", () => {
    expect(findOverlaps(["src/**", "src/**"], ["src/a.ts"])).toEqual([["src/**", "src/a.ts"]]);
  });
});

describe("pathological inputs stay polynomial", () => {
  // Each of these would take exponential time in a backtracking matcher. The generous
  // timeout is the assertion: completion, not a latency measurement.
  it("stacked globstars", { timeout: 20_000 }, () => {
    const deepA = Array.from({ length: 200 }, () => "**").join("/") + "/a";
    const deepB = Array.from({ length: 200 }, () => "**").join("/") + "/b";
    expect(globPairOverlap(deepA, deepB)).toBe(false);
    const interleavedA = Array.from({ length: 150 }, () => "**/x").join("/") + "/a";
    const interleavedB = Array.from({ length: 150 }, () => "**/x").join("/") + "/b";
    expect(globPairOverlap(interleavedA, interleavedB)).toBe(false);
    expect(globPairOverlap(interleavedA, interleavedA)).toBe(true);
  });

  it("star-heavy segments", { timeout: 20_000 }, () => {
    const a = "*a".repeat(400) + "*c";
    const b = "*a".repeat(400) + "*d";
    expect(globPairOverlap(a, b)).toBe(false);
    expect(globPairOverlap(a, "*" + "?".repeat(50) + "*c")).toBe(true);
    expect(matchesGlob(a, "a".repeat(2000) + "b")).toBe(false);
    expect(matchesGlob("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(3000))).toBe(false);
  });

  it("many star segments against deep globstars", { timeout: 20_000 }, () => {
    const stars = Array.from({ length: 300 }, () => "*").join("/");
    const globstars = Array.from({ length: 300 }, () => "**/?").join("/");
    expect(globPairOverlap(stars, globstars)).toBe(true);
    expect(globPairOverlap(stars + "/a", globstars + "/b")).toBe(false);
    const path = Array.from({ length: 400 }, () => "x").join("/");
    expect(matchesGlob(globstars, path)).toBe(true);
  });

  it("maximal brace expansion against maximal brace expansion", { timeout: 20_000 }, () => {
    const x = "{a,b}".repeat(8) + "/x";
    const y = "{b,a}".repeat(8) + "/y";
    expect(globPairOverlap(x, y)).toBe(false);
  });
});
