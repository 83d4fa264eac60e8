import { parseHeading } from "./markdown.js";
import type { SourceLine } from "./source.js";
import { normalizeName } from "./text.js";

export type SectionKey =
  | "summary"
  | "goals"
  | "nonGoals"
  | "requirements"
  | "acceptanceCriteria"
  | "risks"
  | "openQuestions"
  | "features"
  | "tasks";

const SECTION_NAMES = new Map<string, SectionKey>([
  ["summary", "summary"],
  ["goals", "goals"],
  ["non goals", "nonGoals"],
  ["nongoals", "nonGoals"],
  ["out of scope", "nonGoals"],
  ["requirements", "requirements"],
  ["acceptance criteria", "acceptanceCriteria"],
  ["risks", "risks"],
  ["open questions", "openQuestions"],
  ["features", "features"],
  ["tasks", "tasks"],
]);

/** Canonical headings, as shown in hints. */
export const SECTION_HEADINGS: Record<SectionKey, string> = {
  summary: "Summary",
  goals: "Goals",
  nonGoals: "Non-Goals",
  requirements: "Requirements",
  acceptanceCriteria: "Acceptance Criteria",
  risks: "Risks",
  openQuestions: "Open Questions",
  features: "Features",
  tasks: "Tasks",
};

/** Heading numbering ("2. Goals", "3) Risks") is decoration many templates add. */
const NUMBERING = /^\d+(?:\.\d+)*[.)]?\s+/;

export function sectionKey(heading: string): SectionKey | null {
  let name = normalizeName(heading.replace(NUMBERING, ""));
  if (name.endsWith(":")) name = name.slice(0, -1).trimEnd();
  return SECTION_NAMES.get(name) ?? null;
}

export interface Section {
  key: SectionKey | null;
  level: number;
  heading: string;
  line: number;
  headingLine: SourceLine;
  body: SourceLine[];
}

export interface Outline {
  title: { text: string; line: number } | null;
  titleLine: SourceLine | null;
  /** Lines before the title. */
  preamble: SourceLine[];
  /** Lines between the title and the first section. */
  intro: SourceLine[];
  sections: Section[];
}

/**
 * Cuts the document at `#` and `##` headings. Only the first `#` before any section is the
 * title; a later `#` opens a section of its own (uninterpreted), so its text is kept.
 */
export function outline(lines: readonly SourceLine[]): Outline {
  const result: Outline = { title: null, titleLine: null, preamble: [], intro: [], sections: [] };
  let current: Section | null = null;
  for (const line of lines) {
    const heading = line.fenced ? null : parseHeading(line.text);
    if (heading && heading.level === 1 && result.title === null && current === null) {
      result.title = { text: titleText(heading.text), line: line.n };
      result.titleLine = line;
      continue;
    }
    if (heading && heading.level <= 2) {
      current = {
        key: heading.level === 2 ? sectionKey(heading.text) : null,
        level: heading.level,
        heading: heading.text,
        line: line.n,
        headingLine: line,
        body: [],
      };
      result.sections.push(current);
      continue;
    }
    if (current) current.body.push(line);
    else (result.title ? result.intro : result.preamble).push(line);
  }
  return result;
}

/** `# Project: Invoice export` is titled "Invoice export"; any other `# Title` is used whole. */
function titleText(heading: string): string {
  const match = /^project\s*:/i.exec(heading);
  return match ? heading.slice(match[0].length).trim() : heading;
}
