import { findCycles } from "./cycles.js";
import type { FeatureDraft } from "./features.js";
import type { IssueLog } from "./issues.js";
import type { TaskDraft } from "./tasks.js";
import type { PrdRequirement } from "./types.js";

interface Identified {
  id: string;
  line: number;
}

/**
 * Cross-checks ids after everything is read: duplicates, references to unknown items,
 * missing subtask parents and dependency cycles. Each error points at the line to fix.
 */
export function checkReferences(
  requirements: readonly PrdRequirement[],
  features: readonly FeatureDraft[],
  tasks: readonly TaskDraft[],
  log: IssueLog,
): void {
  const requirementIds = firstLines(requirements, "requirement", log);
  const featureIds = firstLines(features.map((draft) => draft.feature), "feature", log);
  const taskIds = firstLines(tasks.map((draft) => draft.task), "task", log);

  for (const { feature, requirementRefs } of features) {
    for (const ref of requirementRefs) {
      if (requirementIds.has(ref.id)) continue;
      log.error(
        ref.line,
        `Feature ${feature.id} refers to unknown requirement ${ref.id}`,
        requirementIds.size > 0
          ? `Add "- ${ref.id}: …" under "## Requirements", or use one of: ${sample(requirementIds)}.`
          : `Add "- ${ref.id}: …" under "## Requirements".`,
      );
    }
  }

  const edges = new Map<string, string[]>();
  for (const { task, featureRef, dependencyRefs } of tasks) {
    if (featureRef && !featureIds.has(featureRef.id)) {
      log.error(
        featureRef.line,
        `Task ${task.id} belongs to unknown feature ${featureRef.id}`,
        featureIds.size > 0
          ? `Use one of: ${sample(featureIds)}, or add "### ${featureRef.id}: …" under "## Features".`
          : `Add "### ${featureRef.id}: …" under "## Features", or remove the Feature field.`,
      );
    }
    const targets: string[] = [];
    for (const ref of dependencyRefs) {
      if (ref.id === task.id) {
        log.error(ref.line, `Task ${task.id} depends on itself`, "Remove it from its own Dependencies.");
      } else if (!taskIds.has(ref.id)) {
        log.error(
          ref.line,
          `Task ${task.id} depends on unknown task ${ref.id}`,
          taskIds.size > 1 ? `Use one of: ${sample(taskIds, task.id)}, or add a "### ${ref.id}: …" block.` : `Add a "### ${ref.id}: …" block, or remove the dependency.`,
        );
      } else {
        targets.push(ref.id);
      }
    }
    edges.set(task.id, targets);
    if (task.parent !== null && !taskIds.has(task.parent)) {
      log.error(
        task.line,
        `Subtask ${task.id} has no parent task ${task.parent}`,
        `Add a "### ${task.parent}: …" block, or renumber the subtask.`,
      );
    }
  }

  const dependencyLine = new Map<string, number>();
  for (const { task, dependencyRefs } of tasks) {
    for (const ref of dependencyRefs) dependencyLine.set(`${task.id} ${ref.id}`, ref.line);
  }
  for (const cycle of findCycles([...taskIds.keys()], edges)) {
    const [from = "", to = ""] = cycle;
    log.error(
      dependencyLine.get(`${from} ${to}`) ?? taskIds.get(from) ?? 1,
      `Dependency cycle: ${cycle.join(" -> ")}`,
      "Dependencies must form a DAG: remove one of the dependencies in this cycle.",
    );
  }
}

/** Maps each id to the line of its first use and reports later uses as duplicates. */
function firstLines(items: readonly Identified[], noun: string, log: IssueLog): Map<string, number> {
  const seen = new Map<string, number>();
  for (const item of items) {
    const first = seen.get(item.id);
    if (first === undefined) {
      seen.set(item.id, item.line);
      continue;
    }
    log.error(
      item.line,
      `Duplicate ${noun} id ${item.id} (first used on line ${first})`,
      `Give each ${noun} its own id; the id is how a re-import recognises it.`,
    );
  }
  return seen;
}

function sample(ids: ReadonlyMap<string, number>, except?: string): string {
  const list = [...ids.keys()].filter((id) => id !== except);
  return list.length > 10 ? `${list.slice(0, 10).join(", ")}, …` : list.join(", ");
}
