import { assignIds } from "./identity.js";
import { readLeadingId } from "./ids.js";
import type { IssueLog } from "./issues.js";
import type { ListItem } from "./lists.js";
import { parseFieldLine } from "./fields.js";
import type { PrdRequirement } from "./types.js";

/** `- R001: text`, `- R001 text` or just `- text` (which gets a generated id and a warning). */
export function readRequirements(items: readonly ListItem[], log: IssueLog): PrdRequirement[] {
  const entries = items.map((item) => ({ head: readLeadingId(unbold(item.text), "R"), line: item.line }));
  const ids = assignIds(entries, "R", log, (id, text) => `"- ${id}: ${text}"`);
  const requirements: PrdRequirement[] = [];
  ids.forEach((identity, i) => {
    const line = entries[i]?.line ?? 0;
    if (identity.rest === "") {
      log.error(line, `Requirement ${identity.id} has no text`, `Write the requirement after the id: "- ${identity.id}: <requirement>".`);
    }
    requirements.push({ id: identity.id, text: identity.rest, line, idGenerated: identity.idGenerated });
  });
  return requirements;
}

/** `**R001:** text` and `**R001**: text` are common; the bold is decoration around the id. */
function unbold(text: string): string {
  const field = parseFieldLine(text);
  return field ? `${field.name}: ${field.value}` : text;
}
