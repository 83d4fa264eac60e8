import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePrd } from "../../../src/domain/prd/index.js";
import { taskmasterToPrds } from "../../../src/domain/taskmaster/to-prd.js";
import { PlanrefError } from "../../../src/errors.js";

const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/taskmaster/tasks.json"), "utf8"));

describe("Taskmaster tasks.json to PRD", () => {
  it("makes one PRD per tag that planref's own parser accepts, keeping Taskmaster's numbers as ids", () => {
    const tags = taskmasterToPrds(FIXTURE, { file: "tasks.json" });
    expect(tags.map((t) => t.tag)).toEqual(["master", "feature-auth"]);
    const master = tags[0]!;
    expect(master.imported).toEqual(["T2", "T2.2", "T2.3", "T3", "T5"]);
    expect(master.skipped.map((s) => `${s.id}:${s.status}`)).toEqual(["T1:done", "T2.1:done", "T4:cancelled"]);
    const parsed = parsePrd(master.prd, { file: "tasks.json#master" });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const byId = new Map(parsed.prd.tasks.map((t) => [t.id, t]));
    expect([...byId.keys()]).toEqual(["T2", "T2.2", "T2.3", "T3", "T5"]);
    // A sibling subtask's bare number and "parent.sub" both resolve; done work is dropped from dependencies.
    expect(byId.get("T2.3")?.dependencies).toEqual(["T2.2"]);
    expect(byId.get("T2.2")?.dependencies).toEqual([]);
    expect(byId.get("T3")?.dependencies).toEqual(["T2", "T2.3"]);
    expect(byId.get("T2")?.dependencies).toEqual([]);
    expect(byId.get("T2.3")?.parent).toBe("T2");
    expect(byId.get("T2")?.priority).toBe("high");
    expect(byId.get("T2")?.acceptanceCriteria).toEqual(["Test strategy: Unit tests for quoting and column order."]);
    // Details with headings, bullets and fences stay text of the task, never grammar.
    expect(byId.get("T2")?.intent).toContain("## Notes");
    expect(byId.get("T2")?.intent).toContain("Taskmaster status: in-progress.");
    expect(byId.get("T2.2")?.intent).toContain("Taskmaster: - RFC 4180 quoting");
    expect(master.notes.some((n) => n.path === "T2" && /T1 dropped/.test(n.message))).toBe(true);
  });

  it("imports done and cancelled work too when asked", () => {
    const [master] = taskmasterToPrds(FIXTURE, { file: "tasks.json", tags: ["master"], includeDone: true });
    expect(master?.imported).toEqual(["T1", "T2", "T2.1", "T2.2", "T2.3", "T3", "T4", "T5"]);
    expect(master?.skipped).toEqual([]);
  });

  it("reads the older untagged format as tag master", () => {
    const tags = taskmasterToPrds({ tasks: FIXTURE.master.tasks }, { file: "tasks.json" });
    expect(tags.map((t) => t.tag)).toEqual(["master"]);
  });

  it("refuses what is not a tasks.json, naming the file and the place", () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof PlanrefError ? `${e.code}: ${e.message}` : `not coded: ${String(e)}`;
      }
      return "no error";
    };
    expect(codeOf(() => taskmasterToPrds([], { file: "x.json" }))).toMatch(/^VALIDATION_FAILED: x.json: not a Taskmaster/);
    expect(codeOf(() => taskmasterToPrds({ a: 1 }, { file: "x.json" }))).toMatch(/no "tasks" list/);
    expect(codeOf(() => taskmasterToPrds({ tasks: [{ id: "a/b" }] }, { file: "x.json" }))).toMatch(/task id "a\/b" is not a whole number/);
    expect(codeOf(() => taskmasterToPrds(FIXTURE, { file: "x.json", tags: ["nope"] }))).toMatch(/no tag "nope" \(tags: master, feature-auth\)/);
  });
});
