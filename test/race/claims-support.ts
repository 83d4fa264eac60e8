/**
 * Helpers for the claim race suite: a prepared repository, many real `planref` processes
 * started at once (or on a schedule), and readers of what landed on refs/plan/state.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { openProject } from "../../src/runtime/open-project.js";
import type { ClaimDoc } from "../../src/schema/types.js";
import { type CliResult, planref } from "../helpers/cli.js";
import { makeRepo, type TempRepo } from "../helpers/git-repo.js";

const ROOT = join(import.meta.dirname, "..", "..");
const INVOICE = readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8");
export const inv = (local: string) => `invoice-export.${local}`;

/** The invoice spec imported and approved, with `ready` tasks reviewed; setup through the library. */
export async function preparedRepo(ready: string[]): Promise<TempRepo> {
  const repo = makeRepo();
  const p = openProject({ cwd: repo.dir, env: repo.env, actor: "lead" });
  try {
    await p.init({ name: "race" });
    await p.importSpec({ file: "prd/invoice-export.md", text: INVOICE });
    await p.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    for (const t of ready) await p.reviewTask({ task: inv(t), verdict: "approve" });
  } finally {
    await p.close();
  }
  return repo;
}

export interface Racer {
  actor: string;
  cwd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Start this long after the race begins (default: at once). */
  startAfterMs?: number;
}

export interface RaceResult extends CliResult {
  actor: string;
  cwd: string;
  /** When the process was started and when it exited, in ms since the race began. */
  startedMs: number;
  endedMs: number;
}

/** Spawns every racer (the real binary, one process each) and waits for all of them. */
export async function race(repo: TempRepo, racers: Racer[]): Promise<{ results: RaceResult[]; wallMs: number }> {
  const t0 = performance.now();
  const results = await Promise.all(
    racers.map(async (r) => {
      if (r.startAfterMs) await new Promise((res) => setTimeout(res, r.startAfterMs));
      const startedMs = performance.now() - t0;
      const out = await planref(r.args, { cwd: r.cwd, env: { ...repo.env, PLANREF_ACTOR: r.actor, ...r.env } });
      return { ...out, actor: r.actor, cwd: r.cwd, startedMs, endedMs: performance.now() - t0 };
    }),
  );
  return { results, wallMs: performance.now() - t0 };
}

function treePath(repo: TempRepo, dir: string, task: string): string {
  const path = repo
    .git("ls-tree", "-r", "--name-only", "refs/plan/state")
    .split("\n")
    .find((p) => p.startsWith(`${dir}/`) && p.endsWith(`/${task}.yaml`));
  if (!path) throw new Error(`no ${dir} document for ${task}`);
  return path;
}

export function claimDoc(repo: TempRepo, task: string): ClaimDoc {
  return parse(repo.git("show", `refs/plan/state:${treePath(repo, "claims", task)}`)) as ClaimDoc;
}

export function taskStatus(repo: TempRepo, task: string): string {
  return (parse(repo.git("show", `refs/plan/state:${treePath(repo, "tasks", task)}`)) as { status: string }).status;
}

/** Every commit on the state ref as {op, task, epoch, actor, previous}, newest first, read with native git. */
export function stateLog(repo: TempRepo): Array<{ op: string; task: string; epoch: string; actor: string; previous: string }> {
  const fmt = ["Op", "Task", "Epoch", "Actor", "Previous-Holder"].map((k) => `%(trailers:key=Planref-${k},valueonly,separator=%x2C)`).join("%x1f");
  return repo
    .git("log", `--format=${fmt}%x1e`, "refs/plan/state")
    .split("\x1e")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = "", task = "", epoch = "", actor = "", previous = ""] = line.split("\x1f").map((f) => f.trim());
      return { op, task, epoch, actor, previous };
    });
}

/** The epochs remembered in one worktree's git dir (per-worktree lease memory). */
export function leaseMemory(gitDir: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(join(gitDir, "planref", "leases.json"), "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

export function tally(results: readonly RaceResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.code === 0 ? "ok" : `${r.code}:${r.json?.error?.code ?? "?"}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
