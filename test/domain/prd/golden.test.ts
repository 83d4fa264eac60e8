import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePrd } from "../../../src/domain/prd/index.js";

const root = new URL("../../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");

describe("golden: fixtures/prd/invoice-export.md", () => {
  it("parses to the checked-in JSON (a parser change shows up as a diff of that file)", () => {
    const result = parsePrd(read("fixtures/prd/invoice-export.md"), { file: "fixtures/prd/invoice-export.md" });
    expect(result).toEqual(JSON.parse(read("test/domain/prd/golden/invoice-export.json")));
  });

  it("gives the same result when the file has CRLF line endings and a byte order mark", () => {
    const text = read("fixtures/prd/invoice-export.md");
    const crlf = parsePrd(`\uFEFF${text.replaceAll("\n", "\r\n")}`, { file: "fixtures/prd/invoice-export.md" });
    expect(crlf).toEqual(parsePrd(text, { file: "fixtures/prd/invoice-export.md" }));
  });
});
