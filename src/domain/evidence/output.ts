import { scrubSecrets } from "../scrub/index.js";

export const OUTPUT_TAIL_CHARS = 4000;
/** Scrubbing looks at this much of the end of the output, so a secret is never cut in half inside the tail. */
const SCRUB_WINDOW_CHARS = 256 * 1024;

/** The part of a command's output that is stored: its end, with secrets replaced. */
export function outputTail(output: string, maxChars = OUTPUT_TAIL_CHARS): { tail: string; redactions: number } {
  const window = output.length > SCRUB_WINDOW_CHARS ? output.slice(-SCRUB_WINDOW_CHARS) : output;
  const scrubbed = scrubSecrets(window);
  const tail = scrubbed.text.length > maxChars ? `…${scrubbed.text.slice(-(maxChars - 1))}` : scrubbed.text;
  return { tail, redactions: scrubbed.redactions.reduce((n, r) => n + r.count, 0) };
}

/** Commands are scrubbed too: tokens are often passed as arguments. */
export function scrubCommand(command: string): string {
  return scrubSecrets(command).text;
}

/** Two spellings of one command ("npm test -- csv" and "npm  test -- csv") count as the same. */
export function sameCommand(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, " ").replace(/^`(.*)`$/, "$1");
  return norm(a) === norm(b);
}

/** Stored commands are scrubbed, so a command with a credential is compared in its scrubbed form too. */
export function matchesCommand(stored: string, wanted: string): boolean {
  return sameCommand(stored, wanted) || sameCommand(stored, scrubCommand(wanted));
}
