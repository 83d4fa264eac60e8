import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderCliReference, renderErrorReference } from "../../src/cli/reference.js";

const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

// `npm run docs` sets PLANREF_UPDATE_DOCS=1 to regenerate; otherwise the files must match the code.
describe.each([
  ["cli.md", renderCliReference],
  ["errors.md", renderErrorReference],
])("docs/%s", (name, render) => {
  it("is in sync with the code", () => {
    const expected = render();
    if (process.env.PLANREF_UPDATE_DOCS === "1") writeFileSync(docs(name), expected);
    expect(readFileSync(docs(name), "utf8")).toBe(expected);
  });
});
