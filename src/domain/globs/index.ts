/** Scope globs: validation, single-path matching and glob-vs-glob overlap. See parse.ts for the dialect. */
export { MAX_BRACE_EXPANSIONS, MAX_GLOB_LENGTH, compileGlob, normalizeGlob, validateGlob, validateGlobs } from "./parse.js";
export type { CompiledGlob, GlobAlternative, GlobSegment, GlobToken } from "./parse.js";
export { globMatcher, matchesAnyGlob, matchesGlob } from "./match.js";
export { findOverlaps, globPairOverlap, globsOverlap } from "./overlap.js";
export { literalPrefixes, ScopePrefixIndex } from "./prefix-index.js";
