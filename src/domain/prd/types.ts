import type { Issue } from "../../errors.js";

export type PrdPriority = "low" | "medium" | "high" | "critical";

export interface PrdRequirement {
  id: string;
  text: string;
  line: number;
  /** True when the PRD gave no id; such ids follow the text, so an edit can break re-import matching. */
  idGenerated: boolean;
}

export interface PrdFeature {
  id: string;
  title: string;
  requirements: string[];
  description: string;
  line: number;
  idGenerated: boolean;
}

export interface PrdTask {
  id: string;
  title: string;
  feature: string | null;
  priority: PrdPriority;
  dependencies: string[];
  /** Paths or globs from "Likely files" / "Scope", backticks removed. */
  scope: string[];
  acceptanceCriteria: string[];
  /** Shell commands, one surrounding backtick pair removed. */
  verification: string[];
  requiredEvidence: string[];
  manualSteps: string[];
  nonGoals: string[];
  intent: string;
  /** T003 for T003.1; null for top-level tasks and generated ids. */
  parent: string | null;
  line: number;
  idGenerated: boolean;
}

export interface PrdOpenQuestion {
  text: string;
  line: number;
}

export interface PrdDecision {
  /** The text after `[NEEDS DECISION:`, or null for a bare `[NEEDS DECISION]`. */
  question: string | null;
  /** Heading text of the `##` section holding the marker, or "(preamble)" / "(introduction)". */
  section: string;
  line: number;
}

/** A section planref does not interpret, kept so that nothing in the PRD is silently lost. */
export interface PrdNote {
  heading: string;
  text: string;
  line: number;
}

export interface ParsedPrd {
  title: string;
  summary: string;
  goals: string[];
  nonGoals: string[];
  requirements: PrdRequirement[];
  acceptanceCriteria: string[];
  risks: string[];
  openQuestions: PrdOpenQuestion[];
  decisions: PrdDecision[];
  features: PrdFeature[];
  tasks: PrdTask[];
  notes: PrdNote[];
  sourceLines: number;
}

export interface PrdParseOptions {
  /** Reported as the `path` of every issue. */
  file: string;
  /** Inputs larger than this many UTF-8 bytes are refused with an issue. Default DEFAULT_MAX_PRD_BYTES (2 MiB). */
  maxBytes?: number;
  /**
   * Also report, each on its line, any part the spec and task documents cannot hold
   * (STATE_LIMITS: titles, items, texts, list lengths). An importer sets it, so that such a
   * PRD is refused at the line to fix rather than when a document is written.
   */
  stateLimits?: boolean;
}

export type PrdParseResult =
  | { ok: true; prd: ParsedPrd; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] };
