import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as validators from "../../src/schema/generated/validators.cjs";
import { validateWith } from "../../src/schema/validate.js";
import type { ValidateFunction } from "../../src/schema/validator-types.js";

// The generated validators are compiled on first use (scripts/gen-validators.mjs): each one
// must still load, and still refuse what its schema refuses.
const schemas = readdirSync(join(import.meta.dirname, "../../schemas"))
  .filter((f) => f.endsWith(".schema.json"))
  .map((f) => f.replace(/\.schema\.json$/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))
  .sort();
const table = validators as unknown as Record<string, ValidateFunction | string>;

describe("generated validators", () => {
  it("export one validator per schema, and the schema hash", () => {
    expect(Object.keys(table).filter((k) => k !== "schemaHash" && k !== "default").sort()).toEqual(schemas);
    expect(validators.schemaHash).toMatch(/^[0-9a-f]{12}$/);
  });

  it.each(schemas)("%s loads, is compiled once, and rejects an invalid document", (name) => {
    const validate = table[name] as ValidateFunction;
    expect(typeof validate).toBe("function");
    expect(table[name]).toBe(validate);
    for (const bad of [{ notAKey: true }, null, [], "text", 42]) {
      expect(validate(bad)).toBe(false);
      expect(validate.errors?.length).toBeGreaterThan(0);
    }
    const issues = validateWith(validate, { notAKey: true });
    expect(issues).toContainEqual(expect.objectContaining({ pointer: "/notAKey", message: 'unknown key "notAKey" in document' }));
    expect(issues.some((i) => /is missing "/.test(i.message))).toBe(true);
  });

  it("formats and string lengths still apply (the ajv run-time helpers load)", () => {
    const claim = validators.claim;
    const holder = { actor: "ann", kind: "human", host: "h" };
    const doc = {
      task: "p.T001",
      epoch: 1,
      state: "live",
      holder,
      acquiredAt: "2026-01-02T03:04:05Z",
      renewedAt: "2026-01-02T03:04:05Z",
      leaseSeconds: 900,
      expiresAt: "2026-01-02T03:19:05Z",
      scope: [],
      baseCommit: null,
      branch: null,
      worktree: null,
      attempts: [],
    };
    expect(validateWith(claim, doc)).toEqual([]);
    expect(validateWith(claim, { ...doc, acquiredAt: "yesterday" })).toContainEqual(expect.objectContaining({ pointer: "/acquiredAt" }));
    expect(validateWith(claim, { ...doc, holder: { ...holder, actor: "" } })).toContainEqual(expect.objectContaining({ pointer: "/holder/actor" }));
    expect(validateWith(claim, { ...doc, holder: { ...holder, actor: "😀".repeat(200) } })).toEqual([]);
    expect(validateWith(claim, { ...doc, holder: { ...holder, actor: "😀".repeat(201) } })).toContainEqual(expect.objectContaining({ pointer: "/holder/actor" }));
  });
});
