import { IdAllocator, IdSuggester, type IdKind, type LeadingId } from "./ids.js";
import type { IssueLog } from "./issues.js";
import { quote } from "./issues.js";

export interface IdentityInput {
  head: LeadingId;
  line: number;
}

export interface Identity {
  id: string;
  /** Title (for blocks) or text (for requirements) after the id. */
  rest: string;
  idGenerated: boolean;
}

const NOUNS: Record<IdKind, string> = { R: "requirement", F: "feature", T: "task" };

/**
 * Resolves written ids and generates the missing ones. Generation runs after every written id
 * is known, and uses only the title, so that inserting a block never renames another.
 */
export function assignIds(
  entries: readonly IdentityInput[],
  kind: IdKind,
  log: IssueLog,
  example: (id: string, rest: string) => string,
): Identity[] {
  const noun = NOUNS[kind];
  const written = entries.flatMap((entry) => (entry.head.kind === "id" ? [entry.head.id] : []));
  const allocator = new IdAllocator(written);
  const suggester = new IdSuggester(kind, written);
  return entries.map((entry) => {
    const head = entry.head;
    if (head.kind === "id") return { id: head.id, rest: head.rest, idGenerated: false };
    if (head.kind === "invalid") {
      log.error(
        entry.line,
        `${quote(head.token)} is not a valid ${noun} id`,
        `${capitalise(noun)} ids are ${kind} followed by digits, with optional ".1" sub-numbers, e.g. ${kind}001 or ${kind}003.1. To keep the text as it is, put a written id before it: ${example(suggester.next(), `${shorten(head.token)}: …`)}.`,
      );
      return { id: allocator.generate(kind, head.token), rest: head.token, idGenerated: true };
    }
    if (head.kind === "wrongKind") {
      log.error(
        entry.line,
        `${head.id} is a ${NOUNS[head.id[0] as IdKind]} id, but this is a ${noun}`,
        `Use ${kind === "T" ? "a" : "an"} ${kind} id here, e.g. ${example(suggester.next(), "…")}.`,
      );
      return { id: allocator.generate(kind, head.id), rest: head.id, idGenerated: true };
    }
    const id = allocator.generate(kind, head.rest);
    log.warn(
      entry.line,
      `${capitalise(noun)} ${quote(head.rest)} has no id; it was imported as ${id}, which changes when its text changes`,
      `Write an id into the PRD, e.g. ${example(suggester.next(), shorten(head.rest))}, so re-imports can follow it reliably.`,
    );
    return { id, rest: head.rest, idGenerated: true };
  });
}

function capitalise(word: string): string {
  return word.slice(0, 1).toUpperCase() + word.slice(1);
}

/** Keeps hints short when the title is a whole paragraph. */
function shorten(text: string, max = 50): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
