import type { FieldCatalog, FieldSpec } from "./fields.js";
import { parseFieldLine } from "./fields.js";
import { readLeadingId, type IdKind, type LeadingId } from "./ids.js";
import type { IssueLog } from "./issues.js";
import { quote } from "./issues.js";
import { collectBullets, type ListItem } from "./lists.js";
import { parseHeading } from "./markdown.js";
import type { SourceLine } from "./source.js";
import { joinProse, type ProseLine } from "./text.js";

/** A `### F001: Title` or `### T001: Title` block and the lines under it. */
export interface Block {
  heading: string;
  head: LeadingId;
  line: number;
  body: SourceLine[];
}

export interface SplitSection {
  /** Lines before the first block. */
  intro: SourceLine[];
  blocks: Block[];
}

/**
 * `###` headings start blocks. A deeper heading starts one only when it carries an id of the
 * section's kind (`#### T003.1: …` nested under its parent); otherwise it is block text.
 */
export function splitBlocks(body: readonly SourceLine[], kind: IdKind): SplitSection {
  const intro: SourceLine[] = [];
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const line of body) {
    const heading = line.fenced ? null : parseHeading(line.text);
    if (heading && heading.level >= 3) {
      const head = readLeadingId(heading.text, kind);
      if (heading.level === 3 || head.kind === "id") {
        current = { heading: heading.text, head, line: line.n, body: [] };
        blocks.push(current);
        continue;
      }
    }
    (current ? current.body : intro).push(line);
  }
  return { intro, blocks };
}

export interface RawField<K extends string = string> {
  spec: FieldSpec<K>;
  line: number;
  /** The inline value (if any) first, then one entry per bullet. */
  items: ListItem[];
}

export interface BlockBody<K extends string> {
  fields: Map<K, RawField<K>>;
  text: string;
}

/**
 * Separates a block's `**Field:**` lines (with the bullets that belong to them) from its free
 * text. Unknown and repeated fields are errors: a field that is silently dropped is how
 * required evidence got lost in the older parser.
 */
export function readBlockBody<K extends string>(
  body: readonly SourceLine[],
  catalog: FieldCatalog<K>,
  log: IssueLog,
  owner: string,
): BlockBody<K> {
  const fields = new Map<K, RawField<K>>();
  const text: ProseLine[] = [];
  let i = 0;
  while (i < body.length) {
    const line = body[i] as SourceLine;
    i++;
    const field = line.fenced ? null : parseFieldLine(line.text);
    if (!field) {
      text.push(line);
      continue;
    }
    const spec = catalog.lookup(field.name);
    const items: ListItem[] = field.value === "" ? [] : [{ text: field.value, line: line.n }];
    if (!spec || (spec.kind !== "scalar" && spec.kind !== "text")) {
      // Bullets under an unknown field are consumed with it, so one typo gives one error.
      const run = collectBullets(body, i, { lazy: false, stopAtFields: true });
      for (const item of run.items) items.push(item);
      i = run.next;
    }
    if (!spec) {
      log.error(
        line.n,
        `Unknown field ${quote(field.name)} in ${owner}`,
        `Known fields: ${catalog.known}. If this line is prose, drop the bold from its label.`,
      );
      continue;
    }
    const earlier = fields.get(spec.key);
    if (earlier) {
      log.error(
        line.n,
        `Field ${quote(field.name)} appears twice in ${owner} (first on line ${earlier.line})`,
        `Merge the two into one "**${spec.label}:**" field.`,
      );
      continue;
    }
    fields.set(spec.key, { spec, line: line.n, items });
    if (spec.kind === "text") text.push({ text: field.value, fenced: false });
    else if (spec.kind !== "scalar" && items.length === 0) {
      log.warn(
        line.n,
        `Field "${spec.label}" in ${owner} is empty`,
        `List its items as bullets under "**${spec.label}:**", or write "none" if it is empty on purpose.`,
      );
    }
  }
  return { fields, text: joinProse(text) };
}
