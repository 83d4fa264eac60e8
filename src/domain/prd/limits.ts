/** Large enough for any real PRD, small enough that a pasted log or binary is refused quickly. */
export const DEFAULT_MAX_PRD_BYTES = 2 * 1024 * 1024;

/**
 * UTF-8 length of `text`, computed without an encoder (domain code has no I/O globals) and
 * stopping as soon as it passes `limit`.
 */
export function utf8LengthUpTo(text: string, limit: number): number {
  // Every UTF-16 unit is at least one UTF-8 byte, so this bound is already decisive.
  if (text.length > limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}

/**
 * What the documents an import writes can hold (schemas/spec.schema.json and
 * schemas/task.schema.json). The parser checks them, so that a PRD too big in one place gets
 * an error on that line instead of a refusal that names a state document it never saw.
 */
export const STATE_LIMITS = {
  /** Spec, feature and task titles, note headings, the section of a decision. */
  title: 500,
  /** One list item, a requirement, an open question, the question of a decision. */
  item: 4000,
  /** A task's intent, a feature's description. */
  text: 20_000,
  /** The summary, the text of a note. */
  prose: 50_000,
  /** Goals, non-goals, acceptance criteria, risks, open questions, decisions, notes. */
  specItems: 1000,
  /** Each list field of a task. */
  taskItems: 500,
  dependencies: 200,
  /** Requirements, features. */
  collection: 5000,
} as const;

/** Length as JSON Schema's maxLength counts it (ajv's ucs2length): a surrogate pair is one character. */
export function schemaLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    length++;
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return length;
}
