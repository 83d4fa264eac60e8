import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

const FIXTURE = join(import.meta.dirname, "../fixtures/taskmaster/tasks.json");

describe("planref spec import-taskmaster", () => {
  it("brings every tag over as a draft spec, and a re-import changes nothing", async () => {
    const repo = makeRepo();
    const run = (...args: string[]) => planref(args, { cwd: repo.dir, env: repo.env });
    expect((await run("init")).code).toBe(0);

    const first = await run("spec", "import-taskmaster", FIXTURE, "--json");
    expect(first.code).toBe(0);
    const specs = first.json?.data.specs as Array<{ tag: string; spec: string; skipped: Array<{ id: string }> }>;
    expect(specs.map((s) => [s.tag, s.spec])).toEqual([
      ["master", "taskmaster-master"],
      ["feature-auth", "taskmaster-feature-auth"],
    ]);
    expect(specs[0]?.skipped.map((s) => s.id)).toEqual(["T1", "T2.1", "T4"]);

    const list = await run("task", "list", "--json");
    const ids = (list.json?.data.tasks as Array<{ id: string; status: string }>).map((t) => `${t.id}:${t.status}`).sort();
    expect(ids).toEqual(["taskmaster-feature-auth.T1:draft", "taskmaster-master.T2.2:draft", "taskmaster-master.T2.3:draft", "taskmaster-master.T2:draft", "taskmaster-master.T3:draft", "taskmaster-master.T5:draft"].sort());
    const show = await run("task", "show", "taskmaster-master.T3", "--json");
    expect(show.json?.data.task.dependencies).toEqual(["taskmaster-master.T2", "taskmaster-master.T2.3"]);

    const again = await run("spec", "import-taskmaster", FIXTURE, "--tag", "master", "--json");
    expect(again.code).toBe(0);
    expect(again.json?.data.specs[0].commit).toBeNull();

    const text = await run("spec", "import-taskmaster", FIXTURE, "--dry-run");
    expect(text.stdout).toContain("tag master -> spec taskmaster-master");
    expect(text.stdout).toContain("left out (done or cancelled in Taskmaster; --include-done brings them): T1 (done), T2.1 (done), T4 (cancelled)");
  }, 60_000);

  it("refuses a file that is not a tasks.json with a coded error, writing nothing", async () => {
    const repo = makeRepo();
    const run = (...args: string[]) => planref(args, { cwd: repo.dir, env: repo.env });
    await run("init");
    const tip = repo.git("rev-parse", "refs/plan/state");
    const bad = await run("spec", "import-taskmaster", join(import.meta.dirname, "../fixtures/prd/broken.md"), "--json");
    expect(bad.code).toBe(5);
    expect(bad.json?.error?.code).toBe("VALIDATION_FAILED");
    expect(bad.json?.error?.message).toMatch(/not valid JSON/);
    const missing = await run("spec", "import-taskmaster", "nope.json", "--json");
    expect(missing.json?.error?.code).toBe("NOT_FOUND");
    expect(repo.git("rev-parse", "refs/plan/state")).toBe(tip);
  }, 60_000);
});
