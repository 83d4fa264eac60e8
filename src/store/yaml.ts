import { Composer, type CST, Document, isNode, isScalar, LineCounter, Parser, Scalar, stringify, visit, YAMLParseError } from "yaml";
import { type Issue, ValidationError } from "../errors.js";

export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * planref documents nest a handful of levels. The yaml library recurses once per level, so a
 * few kilobytes of `[[[[…` or `a: a: a: …` overflow the stack: sometimes as a RangeError, and
 * sometimes as a fatal V8 error that kills the process. Nesting is cut off long before that.
 */
export const MAX_YAML_NESTING = 64;

class TooDeep extends Error {
  constructor(readonly offset: number) {
    super(`YAML nests deeper than ${MAX_YAML_NESTING} levels`);
  }
}

/** The CST parser, stopped as soon as its stack (the document, then one entry per open node) passes the limit. */
class NestingLimitedParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    yield* super.next(source);
    if (this.stack.length > MAX_YAML_NESTING + 2) throw new TooDeep(this.offset);
  }
}

/** parseDocument(), with the nesting limit: the one document of `text`, or MULTIPLE_DOCS. */
function parseSingleDocument(text: string, lineCounter: LineCounter): Document.Parsed {
  const parser = new NestingLimitedParser(lineCounter.addNewLine);
  // Keys are checked for uniqueness by duplicateKeys(), in linear time.
  const composer = new Composer({ uniqueKeys: false, schema: "core" });
  let doc: Document.Parsed | null = null;
  for (const next of composer.compose(parser.parse(text), true, text.length)) {
    if (!doc) {
      doc = next;
      continue;
    }
    doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents; a planref document is one"));
    break;
  }
  return doc as Document.Parsed;
}

/**
 * Canonical YAML: sorted keys, no line folding, no anchors, YAML 1.1-safe quoting (so
 * "yes", "on" and dates stay strings for every reader). The same value always gives the
 * same bytes, which keeps blob ids, diffs and the audit trail stable.
 */
export function toCanonicalYaml(value: unknown): string {
  const out = stringify(value, CANONICAL);
  const bom = out.startsWith(BOM);
  if (!bom && !some(value, blankLinesOnly)) return out;
  // Two kinds of strings the library writes in a form that reads back differently, written in
  // double quotes instead: a first key or value starting with U+FEFF (the document would start
  // with it, and readers take it for a byte order mark), and lines of nothing but spaces, which
  // a block scalar (` |+`) turns into indentation: " \n" read back as "\n".
  const doc = new Document(value, CANONICAL);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && ((bom && node.value.startsWith(BOM)) || blankLinesOnly(node.value))) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(CANONICAL);
}

const BOM = "\uFEFF";

/** Several lines, all blank, some with spaces or tabs in them. */
function blankLinesOnly(text: string): boolean {
  return text.includes("\n") && /^[ \t\r\n]*$/.test(text) && /[ \t]/.test(text);
}

/** Whether any string value inside `value` passes `test` (iterative: values can be deep). */
function some(value: unknown, test: (s: string) => boolean): boolean {
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (test(v)) return true;
    } else if (v !== null && typeof v === "object" && !seen.has(v)) {
      seen.add(v);
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return false;
}

const CANONICAL = {
  sortMapEntries: true,
  lineWidth: 0,
  aliasDuplicateObjects: false,
  compat: "yaml-1.1",
} as const;

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
  let doc: Document.Parsed;
  try {
    doc = parseSingleDocument(text, lineCounter);
  } catch (e) {
    // TooDeep, or anything else the library throws instead of reporting: still an issue with a place.
    const at = e instanceof TooDeep ? lineCounter.linePos(e.offset) : undefined;
    throw invalid(options, [
      {
        ...base,
        ...(at ? { line: at.line, column: at.col } : {}),
        message: e instanceof TooDeep ? e.message : `the YAML parser failed: ${(e as Error)?.message ?? String(e)}`,
        hint: "planref documents are shallow, plain YAML data; restore the document from a known good commit.",
      },
    ]);
  }
  const issues: Issue[] = [];
  for (const e of [...mergeByOffset(doc.errors, duplicateKeys(doc)), ...doc.warnings]) {
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

/**
 * Duplicate keys, found with one Set per mapping. The yaml library's own `uniqueKeys` check
 * compares each key with every earlier one: a 500 KB document of 40,000 distinct keys took
 * minutes to read. Same rule as the library's: scalar keys with the same value (NaN never equals).
 */
function duplicateKeys(doc: Document.Parsed): Array<{ pos: [number, number]; message: string }> {
  const found: Array<{ pos: [number, number]; message: string }> = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (!seen.has(key.value)) seen.add(key.value);
        else {
          const offset = key.range?.[0] ?? map.range?.[0] ?? 0;
          found.push({ pos: [offset, offset + 1], message: "Map keys must be unique" });
        }
      }
    },
  });
  // The visit goes outside in; issues read top to bottom.
  return found.sort((x, y) => x.pos[0] - y.pos[0]);
}

/** Both lists are in document order; so is the result. */
function mergeByOffset<T extends { pos: [number, number] }>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  let j = 0;
  for (const item of a) {
    while (j < b.length && (b[j] as T).pos[0] < item.pos[0]) out.push(b[j++] as T);
    out.push(item);
  }
  while (j < b.length) out.push(b[j++] as T);
  return out;
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
