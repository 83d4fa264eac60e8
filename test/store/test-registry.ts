import { DocumentRegistry } from "../../src/store/documents.js";
import type { DocumentKind } from "../../src/store/types.js";

/** A small registry of test documents: store tests know nothing of tasks either. */
export const NOTE_RE = /^notes\/[0-9a-f]{2}\/[^/]+\.yaml$/;

export const testKinds: DocumentKind[] = [
  {
    name: "counter",
    format: "yaml",
    matches: (p) => p === "counter.yaml",
    validate: (v) => {
      const value = (v as { value?: unknown } | null)?.value;
      return Number.isInteger(value) ? [] : [{ pointer: "/value", message: "value must be an integer" }];
    },
  },
  {
    name: "note",
    format: "yaml",
    matches: (p) => NOTE_RE.test(p),
    validate: (v) => (typeof (v as { text?: unknown } | null)?.text === "string" ? [] : [{ pointer: "/text", message: "text must be a string" }]),
  },
  { name: "source", format: "text", matches: (p) => /^sources\/[^/]+\.md$/.test(p), validate: () => [], maxBytes: 1000 },
];

export function testRegistry(): DocumentRegistry {
  return new DocumentRegistry(testKinds, 4096);
}

export function notePath(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) & 0xff;
  return `notes/${h.toString(16).padStart(2, "0")}/${name}.yaml`;
}
