import { readBlockBody, type RawField, type Block } from "./blocks.js";
import { TASK_FIELDS } from "./fields.js";
import { assignIds } from "./identity.js";
import { parentOf } from "./ids.js";
import type { IssueLog } from "./issues.js";
import { quote } from "./issues.js";
import type { PrdPriority, PrdTask } from "./types.js";
import { readCommands, readFiles, readIdRefs, readItems, uniqueIds, type Ref } from "./values.js";

export const PRD_PRIORITIES: readonly PrdPriority[] = ["low", "medium", "high", "critical"];

export interface TaskDraft {
  task: PrdTask;
  featureRef: Ref | null;
  dependencyRefs: Ref[];
}

export function readTasks(blocks: readonly Block[], log: IssueLog): TaskDraft[] {
  const ids = assignIds(blocks, "T", log, (id, title) => `"### ${id}: ${title}"`);
  return blocks.map((block, i) => {
    const identity = ids[i] ?? { id: "", rest: "", idGenerated: true };
    const owner = `task ${identity.id}`;
    if (identity.rest === "") {
      log.error(block.line, `Task ${identity.id} has no title`, `Write the title after the id: "### ${identity.id}: <title>".`);
    }
    const body = readBlockBody(block.body, TASK_FIELDS, log, owner);
    const field = body.fields;
    const featureRef = readFeatureRef(field.get("feature"), log, owner);
    const dependencyRefs = readIdRefs(field.get("dependencies"), log, owner);
    const task: PrdTask = {
      id: identity.id,
      title: identity.rest,
      feature: featureRef?.id ?? null,
      priority: readPriority(field.get("priority"), log, owner),
      dependencies: uniqueIds(dependencyRefs),
      scope: readFiles(field.get("scope")),
      acceptanceCriteria: readItems(field.get("acceptanceCriteria")),
      verification: readCommands(field.get("verification")),
      requiredEvidence: readItems(field.get("requiredEvidence")),
      manualSteps: readItems(field.get("manualSteps")),
      nonGoals: readItems(field.get("nonGoals")),
      intent: body.text,
      parent: identity.idGenerated ? null : parentOf(identity.id),
      line: block.line,
      idGenerated: identity.idGenerated,
    };
    return { task, featureRef, dependencyRefs };
  });
}

function readFeatureRef(field: RawField | undefined, log: IssueLog, owner: string): Ref | null {
  if (!field) return null;
  if (field.items.length === 0) {
    log.error(field.line, `Field "Feature" in ${owner} has no value`, 'Write the feature id after the colon, e.g. "**Feature:** F001".');
    return null;
  }
  const refs = readIdRefs(field, log, owner);
  if (refs.length > 1) {
    log.error(
      field.line,
      `${capitalised(owner)} names ${refs.length} features (${refs.map((ref) => ref.id).join(", ")}); a task belongs to one`,
      "Keep one feature id, or split the task.",
    );
  }
  return refs[0] ?? null;
}

function readPriority(field: RawField | undefined, log: IssueLog, owner: string): PrdPriority {
  if (!field) return "medium";
  const written = (field.items[0]?.text ?? "").trim();
  const known = PRD_PRIORITIES.find((priority) => priority === written.toLowerCase());
  if (known) return known;
  log.error(
    field.line,
    written === "" ? `Field "Priority" in ${owner} has no value` : `Unknown priority ${quote(written)} in ${owner}`,
    `Use one of: ${PRD_PRIORITIES.join(", ")} (or leave the field out for medium).`,
  );
  return "medium";
}

function capitalised(text: string): string {
  return text.slice(0, 1).toUpperCase() + text.slice(1);
}
