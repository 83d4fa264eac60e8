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
 * Replaces secrets in `text` with `[REDACTED:<rule>]`. Idempotent: markers are never matched
 * again, so scrubbing scrubbed text changes nothing and reports no redactions. Runs in time
 * linear in the input. See rules.ts for what counts as a secret.
 */
export function scrubSecrets(text: string): ScrubResult {
  const counts = new Map<string, number>();
  const redact = (rule: string): string => {
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
    return redactionMarker(rule);
  };
  let current = text;
  for (const rule of SCRUB_RULES) current = rule.apply(current, redact);
  const redactions: Redaction[] = [];
  for (const rule of SCRUB_RULE_NAMES) {
    const count = counts.get(rule);
    if (count !== undefined) redactions.push({ rule, count });
  }
  return { text: current, redactions };
}
