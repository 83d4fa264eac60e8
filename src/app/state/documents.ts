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

const sharded = (collection: string) => {
  const re = new RegExp(`^${collection}/[0-9a-f]{2}/[^/]+\\.yaml$`);
  return (path: string) => re.test(path);
};

export const TASKS = "tasks";
export const SPECS = "specs";
export const CLAIMS = "claims";
export const EVIDENCE = "evidence";
export const SUBMISSIONS = "submissions";
export const REVIEWS = "reviews";
export const CONFLICTS = "conflicts";

export function conflictPath(id: string): string {
  return `${CONFLICTS}/${id}.yaml`;
}

const CONFLICT_RE = /^conflicts\/[^/]+\.yaml$/;

/** Append-only records of a task live in one directory per task: evidence/<shard>/<task>/<id>.yaml. */
export function recordDir(collection: string, taskId: string): string {
  return `${collection}/${shardOf(taskId)}/${taskId}`;
}

export function evidencePath(taskId: string, id: string): string {
  return `${recordDir(EVIDENCE, taskId)}/${id}.yaml`;
}

export function recordPath(collection: string, taskId: string, id: string): string {
  return `${recordDir(collection, taskId)}/${id}.yaml`;
}

const perTask = (collection: string) => {
  const re = new RegExp(`^${collection}/([0-9a-f]{2})/([^/]+)/[^/]+\\.yaml$`);
  return (path: string) => {
    const m = re.exec(path);
    return m !== null && shardOf(m[2] as string) === m[1];
  };
};

/** A record must sit in its task's directory and be named by its id. */
function recordAtPath(value: unknown, path: string, collection: string): Issue[] {
  const v = value as { id?: unknown; task?: unknown } | null;
  if (typeof v?.id !== "string" || typeof v.task !== "string") return [];
  const want = `${recordDir(collection, v.task)}/${v.id}.yaml`;
  return want === path ? [] : [{ pointer: "/id", message: `record belongs at ${want}, not ${path}` }];
}

export function claimPath(taskId: string): string {
  return shardedPath(CLAIMS, taskId);
}

export function specPath(id: string): string {
  return `${SPECS}/${id}/spec.yaml`;
}

export function specSourcePath(id: string): string {
  return `${SPECS}/${id}/source.md`;
}

const SPEC_RE = /^specs\/[^/]+\/spec\.yaml$/;
const SPEC_SOURCE_RE = /^specs\/[^/]+\/source\.md$/;

export const DOCUMENT_KINDS: DocumentKind[] = [
  { name: "plan", format: "yaml", matches: exact(PLAN_PATH), validate: validatePlan },
  { name: "task", format: "yaml", matches: sharded(TASKS), validate: (v, path) => validateWith(validators.task, v).concat(idAtPath(v, path, taskPath)) },
  {
    name: "claim",
    format: "yaml",
    matches: sharded(CLAIMS),
    validate: (v, path) => validateWith(validators.claim, v).concat(idAtPath({ id: (v as { task?: unknown } | null)?.task }, path, claimPath)),
  },
  { name: "evidence", format: "yaml", matches: perTask(EVIDENCE), validate: (v, path) => validateWith(validators.evidence, v).concat(recordAtPath(v, path, EVIDENCE)) },
  { name: "submission", format: "yaml", matches: perTask(SUBMISSIONS), validate: (v, path) => validateWith(validators.submission, v).concat(recordAtPath(v, path, SUBMISSIONS)) },
  { name: "review", format: "yaml", matches: perTask(REVIEWS), validate: (v, path) => validateWith(validators.review, v).concat(recordAtPath(v, path, REVIEWS)) },
  { name: "spec", format: "yaml", matches: (p) => SPEC_RE.test(p), validate: (v, path) => validateWith(validators.spec, v).concat(idAtPath(v, path, specPath)) },
  { name: "conflict", format: "yaml", matches: (p) => CONFLICT_RE.test(p), validate: (v, path) => validateWith(validators.conflict, v).concat(idAtPath(v, path, conflictPath)) },
  // The exact PRD text a spec was imported from, so auditors see what was approved.
  { name: "spec-source", format: "text", matches: (p) => SPEC_SOURCE_RE.test(p), validate: () => [], maxBytes: 4 * 1024 * 1024 },
];

/** A document must live where its id says, or lookups by id would miss it. */
function idAtPath(value: unknown, path: string, pathOf: (id: string) => string): Issue[] {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || pathOf(id) === path) return [];
  return [{ pointer: "/id", message: `id "${id}" belongs at ${pathOf(id)}, not ${path}` }];
}

export function taskPath(id: string): string {
  return shardedPath(TASKS, id);
}

/** Changes whenever document schemas change, so caches written by another version are not reused. */
export const SCHEMA_KEY = validators.schemaHash;

export function createRegistry(): DocumentRegistry {
  return new DocumentRegistry(DOCUMENT_KINDS);
}
