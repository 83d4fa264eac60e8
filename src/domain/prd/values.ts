import type { RawField } from "./blocks.js";
import { isSafeId } from "./ids.js";
import type { IssueLog } from "./issues.js";
import { quote } from "./issues.js";
import { isPlaceholder, splitTopLevel, stripAllBackticks, stripBacktickPair } from "./text.js";

/** An id written in a field, with the line to blame if it does not resolve. */
export interface Ref {
  id: string;
  line: number;
}

/** Ids separated by commas (or semicolons); backticks around them are decoration. */
export function readIdRefs(field: RawField | undefined, log: IssueLog, owner: string): Ref[] {
  const refs: Ref[] = [];
  for (const item of field?.items ?? []) {
    for (const part of splitTopLevel(item.text, ",;")) {
      const id = stripAllBackticks(part);
      if (isPlaceholder(id)) continue;
      if (!isSafeId(id)) {
        log.error(
          item.line,
          `${quote(id)} in the ${field?.spec.label} of ${owner} is not a valid id`,
          'Ids are letters, digits, ".", "_" and "-" (no spaces, slashes or ".."), e.g. T001; separate several with commas.',
        );
        continue;
      }
      refs.push({ id, line: item.line });
    }
  }
  return refs;
}

/** Paths and globs; commas inside `{a,b}` globs or backticks do not split. */
export function readFiles(field: RawField | undefined): string[] {
  const files: string[] = [];
  for (const item of field?.items ?? []) {
    for (const part of splitTopLevel(item.text, ",")) {
      const path = stripAllBackticks(part);
      if (!isPlaceholder(path)) files.push(path);
    }
  }
  return files;
}

/** One shell command per item; a pair of backticks around the whole command is markdown, not shell. */
export function readCommands(field: RawField | undefined): string[] {
  return (field?.items ?? []).map((item) => stripBacktickPair(item.text)).filter((cmd) => !isPlaceholder(cmd));
}

export function readItems(field: RawField | undefined): string[] {
  return (field?.items ?? []).map((item) => item.text).filter((text) => !isPlaceholder(text));
}

/** Keeps the first mention of each id, so "T001, T001" is one dependency. */
export function uniqueIds(refs: readonly Ref[]): string[] {
  return [...new Set(refs.map((ref) => ref.id))];
}
