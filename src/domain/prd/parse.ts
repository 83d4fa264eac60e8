import { splitBlocks, type Block } from "./blocks.js";
import { findDecisions } from "./decisions.js";
import { readFeatures, type FeatureDraft } from "./features.js";
import { IssueLog, sortByLine } from "./issues.js";
import { DEFAULT_MAX_PRD_BYTES, utf8LengthUpTo } from "./limits.js";
import { readListSection, type ListItem } from "./lists.js";
import { checkReferences } from "./references.js";
import { readRequirements } from "./requirements.js";
import { outline, SECTION_HEADINGS, type Outline, type Section, type SectionKey } from "./sections.js";
import { checkSizes } from "./sizes.js";
import { countSourceLines, readSource, type SourceLine } from "./source.js";
import { readTasks, type TaskDraft } from "./tasks.js";
import { joinProse } from "./text.js";
import type { ParsedPrd, PrdDecision, PrdNote, PrdParseOptions, PrdParseResult, PrdRequirement } from "./types.js";

/**
 * Parses a PRD (grammar: prd-format.md of the product spec). Pure and total: bad input
 * yields issues, never an exception, and no spec is returned when there is any error,
 * because nothing may be imported from a file with errors.
 */
export function parsePrd(text: string, options: PrdParseOptions): PrdParseResult {
  const log = new IssueLog(options.file);
  const limit = options.maxBytes ?? DEFAULT_MAX_PRD_BYTES;
  if (utf8LengthUpTo(text, limit) > limit) {
    log.error(1, `The PRD is larger than the limit of ${limit} bytes`, "Split it into several PRDs (a project may hold several specs).");
    return { ok: false, errors: log.errors, warnings: [] };
  }
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const doc = outline(readSource(body, log));
  const prd = interpret(doc, countSourceLines(body), log, options.stateLimits === true);
  const warnings = sortByLine(log.warnings);
  if (log.errors.length > 0) return { ok: false, errors: sortByLine(log.errors), warnings };
  return { ok: true, prd, warnings };
}

const REQUIRED: readonly SectionKey[] = ["summary", "goals", "requirements"];

function interpret(doc: Outline, sourceLines: number, log: IssueLog, stateLimits: boolean): ParsedPrd {
  const firstLine = doc.title?.line ?? 1;
  if (!doc.title) {
    log.error(1, "The PRD has no title", 'Start the file with a title heading: "# Project: <name>".');
  } else if (doc.title.text === "") {
    log.error(doc.title.line, "The PRD title is empty", 'Write the name after the heading: "# Project: <name>".');
  }
  const notes: PrdNote[] = [];
  const known = classifySections(doc, notes, log);

  for (const key of REQUIRED) {
    if (!known.has(key)) {
      log.error(firstLine, `The PRD has no "## ${SECTION_HEADINGS[key]}" section`, requiredHint(key));
    }
  }

  const list = (key: SectionKey) => {
    const section = known.get(key);
    return section ? readListSection(section.body, log, section.heading) : [];
  };
  const summarySection = known.get("summary");
  const summary = summarySection ? joinProse(summarySection.body) : "";
  if (summarySection && summary === "") {
    log.error(summarySection.line, '"## Summary" is empty', requiredHint("summary"));
  }
  const goalItems = list("goals");
  const goals = goalItems.map((item) => item.text);
  const requirementItems = list("requirements");
  for (const key of ["goals", "requirements"] as const) {
    const section = known.get(key);
    const empty = key === "goals" ? goals.length === 0 : requirementItems.length === 0;
    if (section && empty) log.error(section.line, `"## ${SECTION_HEADINGS[key]}" is empty`, requiredHint(key));
  }
  const requirements: PrdRequirement[] = readRequirements(requirementItems, log);

  const features = readBlockSection(known.get("features"), "F", notes, log, readFeatures);
  const tasks = readBlockSection(known.get("tasks"), "T", notes, log, readTasks);
  checkReferences(requirements, features, tasks, log);

  const nonGoalItems = list("nonGoals");
  const criteriaItems = list("acceptanceCriteria");
  const riskItems = list("risks");
  const questionItems = list("openQuestions");
  const prd: ParsedPrd = {
    title: doc.title?.text ?? "",
    summary,
    goals,
    nonGoals: nonGoalItems.map((item) => item.text),
    requirements,
    acceptanceCriteria: criteriaItems.map((item) => item.text),
    risks: riskItems.map((item) => item.text),
    openQuestions: questionItems.map((item) => ({ text: item.text, line: item.line })),
    decisions: collectDecisions(doc),
    features: features.map((draft) => draft.feature),
    tasks: tasks.map((draft) => draft.task),
    notes: notes.sort((a, b) => a.line - b.line),
    sourceLines,
  };
  if (!stateLimits) return prd;
  const listPlace = (key: SectionKey, items: readonly ListItem[]) => ({ name: SECTION_HEADINGS[key], line: known.get(key)?.line ?? firstLine, items });
  checkSizes(
    prd,
    {
      titleLine: firstLine,
      summaryLine: summarySection?.line ?? firstLine,
      lists: [listPlace("goals", goalItems), listPlace("nonGoals", nonGoalItems), listPlace("acceptanceCriteria", criteriaItems), listPlace("risks", riskItems), listPlace("openQuestions", questionItems)],
    },
    log,
  );
  return prd;
}

/** Known sections by key; everything else becomes a note with a warning, never silently dropped. */
function classifySections(doc: Outline, notes: PrdNote[], log: IssueLog): Map<SectionKey, Section> {
  const known = new Map<SectionKey, Section>();
  keepAsNote(notes, log, "(preamble)", doc.preamble, "Text before the title is not interpreted; it is kept as a note", 'Start the file with the title "# Project: <name>".');
  keepAsNote(notes, log, "(introduction)", doc.intro, 'Text between the title and the first "##" section is not interpreted; it is kept as a note', 'Move it under "## Summary" if it describes the spec.');
  for (const section of doc.sections) {
    if (section.key === null) {
      notes.push({ heading: section.heading, text: joinProse(section.body), line: section.line });
      log.warn(
        section.line,
        `Section "${"#".repeat(section.level)} ${section.heading}" is not interpreted; it is kept as a note`,
        `Rename it to a known section if it should be imported: ${Object.values(SECTION_HEADINGS).join(", ")}.`,
      );
      continue;
    }
    const earlier = known.get(section.key);
    if (earlier) {
      log.error(
        section.line,
        `Section "## ${SECTION_HEADINGS[section.key]}" appears twice (first on line ${earlier.line})`,
        "Merge the two sections into one.",
      );
      continue;
    }
    known.set(section.key, section);
  }
  return known;
}

function readBlockSection<D extends FeatureDraft | TaskDraft>(
  section: Section | undefined,
  kind: "F" | "T",
  notes: PrdNote[],
  log: IssueLog,
  read: (blocks: readonly Block[], log: IssueLog) => D[],
): D[] {
  if (!section) return [];
  const split = splitBlocks(section.body, kind);
  keepAsNote(
    notes,
    log,
    section.heading,
    split.intro,
    `Text under "## ${section.heading}" before its first "###" block is not interpreted; it is kept as a note`,
    `Put it inside a block, or in a section of its own.`,
  );
  return read(split.blocks, log);
}

function keepAsNote(notes: PrdNote[], log: IssueLog, heading: string, lines: readonly SourceLine[], message: string, hint: string): void {
  const text = joinProse(lines);
  if (text === "") return;
  const first = lines.find((line) => line.fenced || line.text.trim() !== "");
  const line = first?.n ?? 1;
  notes.push({ heading, text, line });
  log.warn(line, message, hint);
}

function requiredHint(key: SectionKey): string {
  switch (key) {
    case "summary":
      return 'Add "## Summary" with a short paragraph saying what the spec is for.';
    case "goals":
      return 'Add "## Goals" with at least one bullet, e.g. "- <goal>".';
    default:
      return 'Add "## Requirements" with bullets such as "- R001: <requirement>".';
  }
}

function collectDecisions(doc: Outline): PrdDecision[] {
  const decisions = [
    ...findDecisions(doc.preamble, "(preamble)"),
    ...findDecisions(doc.titleLine ? [doc.titleLine, ...doc.intro] : doc.intro, "(introduction)"),
  ];
  for (const section of doc.sections) {
    for (const decision of findDecisions([section.headingLine, ...section.body], section.heading)) decisions.push(decision);
  }
  return decisions;
}
