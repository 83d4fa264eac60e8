import type { IssueLog } from "./issues.js";
import { schemaLength, STATE_LIMITS } from "./limits.js";
import type { ListItem } from "./lists.js";
import type { ParsedPrd } from "./types.js";

/** Where the spec-level parts of a PRD are, for the lines of size errors. */
export interface SizePlaces {
  titleLine: number;
  summaryLine: number;
  /** Spec-level list sections: their name in messages, heading line and items. */
  lists: ReadonlyArray<{ name: string; line: number; items: readonly ListItem[] }>;
}

const number = (n: number): string => n.toLocaleString("en-US");

/**
 * Reports every part of the PRD that the spec or task documents could not hold (STATE_LIMITS),
 * on the line of that part: an import would otherwise be refused with no line to fix.
 */
export function checkSizes(prd: ParsedPrd, places: SizePlaces, log: IssueLog): void {
  const text = (value: string, limit: number, line: number, what: string, hint: string) => {
    const length = schemaLength(value);
    if (length > limit) log.error(line, `${what} is ${number(length)} characters; the limit is ${number(limit)}`, hint);
  };
  const count = (n: number, limit: number, line: number, what: string, hint: string) => {
    if (n > limit) log.error(line, `${what} has ${number(n)} items; the limit is ${number(limit)}`, hint);
  };
  const shorten = "Shorten it, or move the detail into a document the PRD links to.";
  const split = "Split it into several PRDs (a project may hold several specs).";

  text(prd.title, STATE_LIMITS.title, places.titleLine, "The title", "Shorten the title; describe the spec under \"## Summary\".");
  text(prd.summary, STATE_LIMITS.prose, places.summaryLine, '"## Summary"', shorten);
  for (const list of places.lists) {
    count(list.items.length, STATE_LIMITS.specItems, list.line, `"## ${list.name}"`, split);
    list.items.forEach((item, i) => text(item.text, STATE_LIMITS.item, item.line, `Item ${i + 1} of "## ${list.name}"`, shorten));
  }
  const firstLine = (lines: readonly number[]) => lines[0] ?? places.titleLine;
  count(prd.requirements.length, STATE_LIMITS.collection, firstLine(prd.requirements.map((r) => r.line)), "The requirements list", split);
  for (const r of prd.requirements) text(r.text, STATE_LIMITS.item, r.line, `Requirement ${r.id}`, shorten);
  count(prd.decisions.length, STATE_LIMITS.specItems, firstLine(prd.decisions.map((d) => d.line)), "The list of [NEEDS DECISION] markers", "Resolve some of the open decisions, or split the PRD.");
  for (const d of prd.decisions) {
    if (d.question !== null) text(d.question, STATE_LIMITS.item, d.line, "The question of this [NEEDS DECISION] marker", shorten);
    text(d.section, STATE_LIMITS.title, d.line, "The heading of the section holding this [NEEDS DECISION] marker", "Shorten the heading.");
  }
  count(prd.notes.length, STATE_LIMITS.specItems, firstLine(prd.notes.map((n) => n.line)), "The list of sections kept as notes", split);
  for (const n of prd.notes) {
    text(n.heading, STATE_LIMITS.title, n.line, `The heading of the note "${n.heading.slice(0, 40)}"`, "Shorten the heading.");
    text(n.text, STATE_LIMITS.prose, n.line, `The text of the note "${n.heading.slice(0, 40)}"`, shorten);
  }
  count(prd.features.length, STATE_LIMITS.collection, firstLine(prd.features.map((f) => f.line)), "The features list", split);
  for (const f of prd.features) {
    text(f.title, STATE_LIMITS.title, f.line, `The title of feature ${f.id}`, "Shorten the title; describe the feature in its text.");
    text(f.description, STATE_LIMITS.text, f.line, `The description of feature ${f.id}`, shorten);
  }
  for (const t of prd.tasks) {
    text(t.title, STATE_LIMITS.title, t.line, `The title of task ${t.id}`, "Shorten the title; describe the task in its free text.");
    text(t.intent, STATE_LIMITS.text, t.line, `The text of task ${t.id}`, shorten);
    count(t.dependencies.length, STATE_LIMITS.dependencies, t.line, `The Dependencies of task ${t.id}`, "Depend on fewer tasks, e.g. on one task that gathers them.");
    const fields: Array<[string, readonly string[]]> = [
      ["Acceptance criteria", t.acceptanceCriteria],
      ["Verification", t.verification],
      ["Likely files", t.scope],
      ["Non-goals", t.nonGoals],
      ["Required evidence", t.requiredEvidence],
      ["Manual steps", t.manualSteps],
    ];
    for (const [label, items] of fields) {
      count(items.length, STATE_LIMITS.taskItems, t.line, `The ${label} of task ${t.id}`, "Split the task.");
      items.forEach((item, i) => text(item, STATE_LIMITS.item, t.line, `Item ${i + 1} of the ${label} of task ${t.id}`, shorten));
    }
  }
}
