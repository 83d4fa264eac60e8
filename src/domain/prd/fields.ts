import { normalizeName } from "./text.js";

/**
 * How a field's value is read: `scalar` takes the inline value only; `ids` and `files` split
 * on commas; `commands` and `items` take one item per bullet; `text` adds to the free text.
 */
export type FieldKind = "scalar" | "ids" | "files" | "commands" | "items" | "text";

export interface FieldSpec<K extends string = string> {
  readonly key: K;
  readonly kind: FieldKind;
  /** Accepted names, normalised; the first is the one shown in messages. */
  readonly names: readonly string[];
  readonly label: string;
}

export interface FieldCatalog<K extends string = string> {
  lookup(name: string): FieldSpec<K> | undefined;
  /** "Feature, Priority, Dependencies (or Depends on), …" for error hints. */
  readonly known: string;
}

export function makeCatalog<K extends string>(specs: readonly FieldSpec<K>[]): FieldCatalog<K> {
  const byName = new Map<string, FieldSpec<K>>();
  for (const spec of specs) for (const name of spec.names) byName.set(name, spec);
  const known = specs
    .map((spec) => {
      const aliases = spec.names.slice(1).map((name) => name[0]?.toUpperCase() + name.slice(1));
      return aliases.length > 0 ? `${spec.label} (or ${aliases.join(", ")})` : spec.label;
    })
    .join(", ");
  return { lookup: (name) => byName.get(normalizeName(name)), known };
}

export type TaskFieldKey =
  | "feature"
  | "priority"
  | "dependencies"
  | "scope"
  | "acceptanceCriteria"
  | "verification"
  | "requiredEvidence"
  | "manualSteps"
  | "nonGoals"
  | "intent";

export const TASK_FIELDS = makeCatalog<TaskFieldKey>([
  { key: "feature", kind: "scalar", names: ["feature"], label: "Feature" },
  { key: "priority", kind: "scalar", names: ["priority"], label: "Priority" },
  { key: "dependencies", kind: "ids", names: ["dependencies", "depends on"], label: "Dependencies" },
  { key: "scope", kind: "files", names: ["likely files", "scope"], label: "Likely files" },
  { key: "acceptanceCriteria", kind: "items", names: ["acceptance criteria"], label: "Acceptance criteria" },
  { key: "verification", kind: "commands", names: ["verification"], label: "Verification" },
  { key: "requiredEvidence", kind: "items", names: ["required evidence"], label: "Required evidence" },
  { key: "manualSteps", kind: "items", names: ["manual steps"], label: "Manual steps" },
  { key: "nonGoals", kind: "items", names: ["non goals", "out of scope"], label: "Non-goals" },
  { key: "intent", kind: "text", names: ["intent", "description"], label: "Intent" },
]);

export type FeatureFieldKey = "requirements" | "description";

export const FEATURE_FIELDS = makeCatalog<FeatureFieldKey>([
  { key: "requirements", kind: "ids", names: ["requirements"], label: "Requirements" },
  { key: "description", kind: "text", names: ["description"], label: "Description" },
]);

export interface FieldLine {
  name: string;
  value: string;
}

/**
 * `**Name:** value` or `**Name**: value`. Any bold label followed by a colon counts, so that
 * an unknown or misspelt field is reported instead of sliding into the free text.
 */
export function parseFieldLine(text: string): FieldLine | null {
  const s = text.trimStart();
  if (!s.startsWith("**")) return null;
  const close = s.indexOf("**", 2);
  if (close < 0) return null;
  const inner = s.slice(2, close);
  let name: string;
  let value: string;
  if (inner.endsWith(":")) {
    name = inner.slice(0, -1);
    value = s.slice(close + 2);
  } else {
    let i = close + 2;
    while (s[i] === " " || s[i] === "\t") i++;
    if (s[i] !== ":") return null;
    name = inner;
    value = s.slice(i + 1);
  }
  name = name.trim();
  return name === "" ? null : { name, value: value.trim() };
}
