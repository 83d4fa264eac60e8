import { afterAll, describe, expect, it } from "vitest";
import * as lib from "../../src/lib.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

/**
 * The library's public surface. A change here is a change for every orchestrator that
 * imports planref: update these lists on purpose, with a changelog entry.
 */
describe("import { openProject } from \"planref\"", () => {
  it("exports exactly this", () => {
    expect(Object.keys(lib).sort()).toEqual([
      "AmbiguousIdError",
      "ClaimConflictError",
      "ERROR_CATALOG",
      "EXIT_CODES",
      "GateRefusedError",
      "GitError",
      "InternalError",
      "InvalidTransitionError",
      "LeaseLostError",
      "NotFoundError",
      "PlanrefError",
      "RefConflictError",
      "RemoteError",
      "STATE_REF",
      "UnsupportedRepositoryError",
      "UsageError",
      "VERSION",
      "ValidationError",
      "openProject",
      "toPlanrefError",
    ]);
  });

  it("a project offers exactly these use cases, and they work in-process", async () => {
    const repo = makeRepo();
    const project = lib.openProject({ cwd: repo.dir, env: repo.env, actor: "orchestrator" });
    try {
      const methods = Object.keys(project)
        .filter((k) => typeof (project as unknown as Record<string, unknown>)[k] === "function" && k !== "close")
        .sort();
      expect(methods).toEqual(
        [
          "acknowledgeConflict", "addEvidence", "addTask", "apply", "board", "boardTask", "boardTip", "cancelTask", "claim", "conflicts", "doctor", "editTask", "getConfig", "graph", "guardEdit",
          "heartbeat", "importSpec", "importTaskmaster", "init", "listEvidence", "listSpecs", "listTasks", "log", "next", "overrideScore", "packet",
          "recordObserved", "release", "remotesWithState", "review", "reviewSpec", "reviewTask", "run", "scores", "sessionContext", "setConfig",
          "showSpec", "showTask", "specDecisions", "specSource", "status", "stopReminder", "submit", "sync", "verify", "waves",
        ].sort(),
      );
      await project.init({ name: "lib" });
      expect((await project.status()).project).toBe("lib");
      await expect(project.showTask("nope")).rejects.toBeInstanceOf(lib.NotFoundError);
    } finally {
      await project.close();
    }
  });
});
