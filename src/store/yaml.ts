import { isNode, LineCounter, parseDocument, stringify, visit } from "yaml";
import { type Issue, ValidationError } from "../errors.js";

export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Canonical YAML: sorted keys, no line folding, no anchors, YAML 1.1-safe quoting (so
 * "yes", "on" and dates stay strings for every reader). The same value always gives the
 * same bytes, which keeps blob ids, diffs and the audit trail stable.
 */
export function toCanonicalYaml(value: unknown): string {
  return stringify(value, {
    sortMapEntries: true,
    lineWidth: 0,
    aliasDuplicateObjects: false,
    compat: "yaml-1.1",
  });
}

export interface ParseYamlOptions {
  /** Names the document in errors: a state path, a file, `path@commit`. */
  source: string;
  maxBytes?: number;
  commit?: string;
}

/**
 * Parses untrusted YAML as data: unique keys, no aliases, no explicit tags, a size cap.
 * Every failure is a ValidationError whose issues name the source and line.
 */
export function parseYaml(text: string, options: ParseYamlOptions): unknown {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const size = Buffer.byteLength(text, "utf8");
  const base = { path: options.source, ...(options.commit ? { commit: options.commit } : {}) };
  if (size > maxBytes) {
    throw invalid(options, [
      { ...base, message: `document is ${size} bytes; the limit is ${maxBytes}`, hint: "Split the content or raise the limit." },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, schema: "core", lineCounter, prettyErrors: false });
  const issues: Issue[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = lineCounter.linePos(e.pos[0]);
    issues.push({ ...base, line: pos.line, column: pos.col, message: firstLine(e.message) });
  }
  visit(doc, (_key, node) => {
    if (!isNode(node)) return;
    const at = node.range ? lineCounter.linePos(node.range[0]) : undefined;
    const where = at ? { line: at.line, column: at.col } : {};
    // The parser sets `tag` only for tags written in the source; planref never writes any.
    if (node.tag) {
      issues.push({ ...base, ...where, message: `YAML tag ${node.tag} is not allowed`, hint: "planref documents are plain data: remove the tag." });
    }
    if ((node as { anchor?: string }).anchor) {
      issues.push({ ...base, ...where, message: "YAML anchors and aliases are not allowed", hint: "Write the value out in full." });
    }
  });
  if (issues.length > 0) throw invalid(options, issues);
  try {
    return doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    throw invalid(options, [{ ...base, message: (e as Error).message }]);
  }
}

function invalid(options: ParseYamlOptions, issues: Issue[]): ValidationError {
  const first = issues[0];
  const where = first?.line ? `${options.source}:${first.line}` : options.source;
  return new ValidationError(`invalid YAML in ${where}: ${first?.message ?? "unknown problem"}`, issues, {
    hint: "Fix the document; planref reads plain YAML data (no tags, anchors or duplicate keys).",
  });
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? message;
}
