import { taskmasterToPrds } from "../domain/taskmaster/to-prd.js";
import { ValidationError, type Issue } from "../errors.js";
import type { AppContext } from "./context.js";
import { importSpec, type SpecImportResult } from "./spec-import.js";

export interface TaskmasterImportInput {
  /** As given by the user; names the specs' source and every issue. */
  file: string;
  text: string;
  /** Only these tags (default: all). */
  tags?: string[];
  /** Also import tasks Taskmaster marks done or cancelled (as drafts). */
  includeDone?: boolean;
  dryRun?: boolean;
}

export interface TaskmasterImportResult {
  specs: Array<{ tag: string; import: SpecImportResult; skipped: Array<{ id: string; title: string; status: string }>; notes: Issue[] }>;
}

/**
 * Brings a Taskmaster tasks.json over: one spec per tag (taskmaster-<tag>), tasks keeping
 * Taskmaster's numbers as ids (T12, T12.3) so a re-import updates rather than duplicates.
 * Each tag goes through the ordinary PRD import, so it lands as a draft spec for review.
 */
export async function importTaskmaster(ctx: AppContext, input: TaskmasterImportInput): Promise<TaskmasterImportResult> {
  let json: unknown;
  try {
    json = JSON.parse(input.text);
  } catch (e) {
    const message = (e as Error).message;
    throw new ValidationError(`${input.file}: not valid JSON: ${message}`, [{ path: input.file, message }], { hint: "Pass Taskmaster's tasks.json unchanged." });
  }
  const tags = taskmasterToPrds(json, { file: input.file, ...(input.tags ? { tags: input.tags } : {}), ...(input.includeDone ? { includeDone: true } : {}) });
  const specs: TaskmasterImportResult["specs"] = [];
  for (const t of tags) {
    const specId = `taskmaster-${t.tag.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "tag"}`;
    const res = await importSpec(ctx, { file: `${input.file}#${t.tag}`, text: t.prd, specId, ...(input.dryRun ? { dryRun: true } : {}) });
    specs.push({ tag: t.tag, import: res, skipped: t.skipped, notes: t.notes });
  }
  return { specs };
}
