export { parsePrd } from "./parse.js";
export { DEFAULT_MAX_PRD_BYTES, STATE_LIMITS } from "./limits.js";
export { PRD_PRIORITIES } from "./tasks.js";
export type {
  ParsedPrd,
  PrdDecision,
  PrdFeature,
  PrdOpenQuestion,
  PrdNote,
  PrdParseOptions,
  PrdParseResult,
  PrdPriority,
  PrdRequirement,
  PrdTask,
} from "./types.js";
