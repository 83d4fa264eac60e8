/**
 * Secret scrubbing for evidence (command output, hook payloads) before it is written to the
 * shared state ref, which everyone who can push to the remote can read.
 */
import { SCRUB_RULES, SCRUB_RULE_NAMES, redactionMarker } from "./rules.js";

export interface Redaction {
  readonly rule: string;
  readonly count: number;
}

export interface ScrubResult {
  /** The input with every secret replaced by `[REDACTED:<rule>]`; all other bytes unchanged. */
  readonly text: string;
  /** How many secrets each rule replaced, in rule order; rules that found nothing are omitted. */
  readonly redactions: Redaction[];
}

/**
 * A redaction can complete a match that its neighbour did not make on its own (a token
 * followed by junk is no token until the junk, itself a secret, becomes a marker), so the
 * rules run to a fixpoint. Every pass that changes anything replaces text that is not a
 * marker by a marker, so passes run out quickly; two is the norm, clean text takes one.
 */
const MAX_PASSES = 8;

/**
 * Replaces secrets in `text` with `[REDACTED:<rule>]`, leaving every other byte as it was.
 * Idempotent: the result is a fixpoint of the rules, so scrubbing it again changes nothing
 * and reports no redactions. Linear time in the input. See rules.ts for what counts as a secret.
 */
export function scrubSecrets(text: string): ScrubResult {
  const counts = new Map<string, number>();
  let changed = true;
  const redact = (rule: string): string => {
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
    changed = true;
    return redactionMarker(rule);
  };
  let current = text;
  for (let pass = 0; pass < MAX_PASSES && changed; pass++) {
    changed = false;
    for (const rule of SCRUB_RULES) current = rule.apply(current, redact);
  }
  const redactions: Redaction[] = [];
  for (const rule of SCRUB_RULE_NAMES) {
    const count = counts.get(rule);
    if (count !== undefined) redactions.push({ rule, count });
  }
  return { text: current, redactions };
}
