import { type Issue, ValidationError } from "../errors.js";
import type { DocumentKind } from "./types.js";
import { DEFAULT_MAX_DOCUMENT_BYTES, parseYaml, toCanonicalYaml } from "./yaml.js";

// Segments are what ids become on disk: no separators, no dot-dot, nothing a shell or git mangles.
const SEGMENT_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function pathIssue(path: string): string | null {
  if (path.length === 0 || path.length > 512) return "path must be 1-512 characters";
  for (const seg of path.split("/")) {
    if (!SEGMENT_RE.test(seg) || seg.includes("..")) {
      return `path segment "${seg}" is not allowed (letters, digits, ".", "_", "-"; no "..")`;
    }
  }
  return null;
}

/** Maps state paths to document kinds and turns documents into bytes and back, validating both ways. */
export class DocumentRegistry {
  constructor(
    private readonly kinds: readonly DocumentKind[],
    private readonly defaultMaxBytes = DEFAULT_MAX_DOCUMENT_BYTES,
  ) {}

  kindOf(path: string): DocumentKind | null {
    for (const k of this.kinds) if (k.matches(path)) return k;
    return null;
  }

  /** Serialize for writing; throws VALIDATION_FAILED naming the path when anything is off. */
  encode(path: string, value: unknown): Buffer {
    const issues: Issue[] = [];
    const bad = pathIssue(path);
    const kind = bad ? null : this.kindOf(path);
    if (bad) issues.push({ path, message: bad, hint: "Ids may use letters, digits, '.', '_' and '-' only." });
    else if (!kind) issues.push({ path, message: "no document kind is stored at this path" });
    if (kind) for (const i of kind.validate(value, path)) issues.push({ ...i, path });
    if (issues.length > 0) throw refuse(path, issues);
    const k = kind as DocumentKind;
    const bytes = Buffer.from(k.format === "text" ? String(value) : toCanonicalYaml(value), "utf8");
    const max = k.maxBytes ?? this.defaultMaxBytes;
    if (bytes.length > max) {
      throw refuse(path, [{ path, message: `document is ${bytes.length} bytes; the limit is ${max}`, hint: "Shorten the content." }]);
    }
    return bytes;
  }

  /** Parse and validate bytes read from the ref; never throws, returns issues instead. */
  decode(path: string, bytes: Buffer, commit: string | null): { value: unknown } | { issues: Issue[] } {
    const at = commit ? { commit } : {};
    const bad = pathIssue(path);
    const kind = bad ? null : this.kindOf(path);
    if (!kind) {
      return { issues: [{ path, ...at, message: bad ?? "unexpected file in the state tree", hint: "Remove it with a commit on refs/plan/state, or restore a known good commit." }] };
    }
    const max = kind.maxBytes ?? this.defaultMaxBytes;
    let value: unknown;
    if (kind.format === "text") {
      if (bytes.length > max) return { issues: [{ path, ...at, message: `document is ${bytes.length} bytes; the limit is ${max}` }] };
      value = bytes.toString("utf8");
    } else {
      try {
        value = parseYaml(bytes.toString("utf8"), { source: path, maxBytes: max, ...at });
      } catch (e) {
        if (e instanceof ValidationError) return { issues: e.issues };
        throw e;
      }
    }
    const issues = kind.validate(value, path).map((i) => ({ ...i, path, ...at }));
    return issues.length > 0 ? { issues } : { value };
  }
}

function refuse(path: string, issues: Issue[]): ValidationError {
  const first = issues[0];
  const where = first?.pointer ? `${path}${first.pointer === "" ? "" : `#${first.pointer}`}` : path;
  return new ValidationError(`refusing to write ${where}: ${first?.message ?? "invalid"}`, issues, {
    hint: "Nothing was written. Fix the input named above and retry.",
  });
}
