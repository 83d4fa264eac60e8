import { readBlockBody, type Block } from "./blocks.js";
import { FEATURE_FIELDS } from "./fields.js";
import { assignIds } from "./identity.js";
import type { IssueLog } from "./issues.js";
import type { PrdFeature } from "./types.js";
import { readIdRefs, uniqueIds, type Ref } from "./values.js";

export interface FeatureDraft {
  feature: PrdFeature;
  requirementRefs: Ref[];
}

export function readFeatures(blocks: readonly Block[], log: IssueLog): FeatureDraft[] {
  const ids = assignIds(blocks, "F", log, (id, title) => `"### ${id}: ${title}"`);
  return blocks.map((block, i) => {
    const identity = ids[i] ?? { id: "", rest: "", idGenerated: true };
    const owner = `feature ${identity.id}`;
    if (identity.rest === "") {
      log.error(block.line, `Feature ${identity.id} has no title`, `Write the title after the id: "### ${identity.id}: <title>".`);
    }
    const body = readBlockBody(block.body, FEATURE_FIELDS, log, owner);
    const requirementRefs = readIdRefs(body.fields.get("requirements"), log, owner);
    return {
      feature: {
        id: identity.id,
        title: identity.rest,
        requirements: uniqueIds(requirementRefs),
        description: body.text,
        line: block.line,
        idGenerated: identity.idGenerated,
      },
      requirementRefs,
    };
  });
}
