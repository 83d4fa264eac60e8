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
