/** Secret scrubbing for evidence. See rules.ts for what counts as a secret. */
export { scrubSecrets } from "./scrub.js";
export type { Redaction, ScrubResult } from "./scrub.js";
export { REDACTION_PREFIX, SCRUB_RULE_NAMES, redactionMarker, secretNameRule } from "./rules.js";
