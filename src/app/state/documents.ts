import { createHash } from "node:crypto";
import type { Issue } from "../../errors.js";
import * as validators from "../../schema/generated/validators.cjs";
import { validateWith } from "../../schema/validate.js";
import { DocumentRegistry } from "../../store/documents.js";
import type { DocumentKind } from "../../store/types.js";

/**
 * The layout of the state tree. Collections that grow with the project are sharded by the
 * first two hex digits of sha1(id), so no directory passes a few hundred entries at 10,000.
 */
export const PLAN_PATH = "plan.yaml";

export function shardOf(id: string): string {
  return createHash("sha1").update(id).digest("hex").slice(0, 2);
}

export function shardedPath(collection: string, id: string, ext = ".yaml"): string {
  return `${collection}/${shardOf(id)}/${id}${ext}`;
}

const exact = (p: string) => (path: string) => path === p;

/** The plan's format version is checked before its schema: a newer layout deserves an upgrade hint, not a list of unknown keys. */
export const FORMAT_VERSION = 1;
export const FORMAT_VERSION_POINTER = "/formatVersion";

function validatePlan(value: unknown): Issue[] {
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === "number" && version !== FORMAT_VERSION) {
    return [{ pointer: FORMAT_VERSION_POINTER, message: `unsupported format version ${version}; this planref reads version ${FORMAT_VERSION}` }];
  }
  return validateWith(validators.plan, value);
}

export const DOCUMENT_KINDS: DocumentKind[] = [{ name: "plan", format: "yaml", matches: exact(PLAN_PATH), validate: validatePlan }];

/** Changes whenever document schemas change, so caches written by another version are not reused. */
export const SCHEMA_KEY = validators.schemaHash;

export function createRegistry(): DocumentRegistry {
  return new DocumentRegistry(DOCUMENT_KINDS);
}
