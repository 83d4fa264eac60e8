/**
 * A long-running server keeps what it derived from the state (sorted tasks, rankings,
 * per-task lookups) across calls and carries it over commits that changed no task. Other
 * processes write meanwhile: every call must still answer for the tip as it is then, the
 * same as a fresh CLI process would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, type TempRepo } from "../helpers/git-repo.js";
import { connect, preparedRepo, type Session, T001 } from "./support.js";

afterAll(cleanupAll);

describe("planref mcp: reads after other processes write", () => {
  let repo: TempRepo;
  let s: Session;
  const other = () => ({ cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: "agent-b" } });
  beforeAll(async () => {
    repo = await preparedRepo();
    s = await connect({ cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: "agent-a" } });
  });
  afterAll(async () => s?.close());

  const data = async (name: string, args: Record<string, unknown> = {}) => {
    const r = await s.call(name, args);
    if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.envelope.error)}`);
    return r.envelope.data;
  };
  const cli = async (args: string[]) => {
    const r = await planref([...args, "--json"], { cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: "agent-a" } });
    if (!r.json?.ok) throw new Error(`planref ${args.join(" ")}: ${r.stdout} ${r.stderr}`);
    return r.json.data;
  };
  const write = async (args: string[]) => {
    const r = await planref(args, other());
    expect(r.code, `planref ${args.join(" ")}: ${r.stderr}`).toBe(0);
  };
  /** What the server answers equals what a new CLI process reads at the same tip. */
  const sameAsCli = async (task: string) => {
    expect(await data("planref_task_show", { task })).toEqual(await cli(["task", "show", task]));
    expect(await data("planref_next")).toEqual(await cli(["next"]));
    const [mine, theirs] = [await data("planref_status"), await cli(["status"])];
    expect({ ...mine, claims: mine.claims.map((c: { task: string }) => c.task) }).toEqual({ ...theirs, claims: theirs.claims.map((c: { task: string }) => c.task) });
  };

  it("sees another process's claim, heartbeat (no task changed), edit and new task on the next call", async () => {
    await sameAsCli("T002");
    expect((await data("planref_next")).candidate.id).toBe(T001);

    await write(["claim", "T001"]);
    expect((await data("planref_task_show", { task: "T001" })).task.status).toBe("claimed");
    expect((await data("planref_next")).candidate?.id).not.toBe(T001);
    await sameAsCli("T001");

    // Moves the tip without changing any task: what the server derived from the tasks carries over.
    const tip = (await data("planref_status")).tip;
    await write(["heartbeat", "T001"]);
    const status = await data("planref_status");
    expect(status.tip).not.toBe(tip);
    expect(status.claims.map((c: { task: string }) => c.task)).toEqual([T001]);
    expect((await data("planref_task_show", { task: "T001" })).task.status).toBe("in_progress");
    await sameAsCli("T001");

    await write(["task", "edit", "T002", "--intent", "Changed by another agent while the server was running."]);
    expect((await data("planref_task_show", { task: "T002" })).task.intent).toBe("Changed by another agent while the server was running.");
    await sameAsCli("T002");

    const total = status.tasks.total;
    await write(["task", "add", "--title", "Added meanwhile", "--intent", "A task another agent added.", "--criterion", "x", "--verify", "true", "--scope", "extra/**", "--depends", "T001"]);
    expect((await data("planref_status")).tasks.total).toBe(total + 1);
    const dependents = (await data("planref_task_show", { task: "T001" })).dependents;
    expect(dependents).toHaveLength((await cli(["task", "show", "T001"])).dependents.length);
    await sameAsCli("T001");
  });
});
