/**
 * Shared by the hook and gate suites: recorded agent payloads with their worktree filled in,
 * and a repository with the invoice-export spec approved and T001 claimed in a worktree.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import type { EvidenceDoc } from "../../src/schema/types.js";
import { planref, type CliResult } from "../helpers/cli.js";
import { makeRepo, type TempRepo } from "../helpers/git-repo.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const PRD = join(ROOT, "fixtures/prd/invoice-export.md");
export const T001 = "invoice-export.T001";
export const T002 = "invoice-export.T002";
/** T001's verification: passes once src/export/csv.ts says "ready". The recorded failure payload runs exactly this. */
export const VERIFY = "grep -q ready src/export/csv.ts";

export type Agent = "claude" | "codex";

/** Replaces {{NAME}} in every string of a JSON value. */
function fill(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === "string") return value.replace(/\{\{([A-Z_]+)\}\}/g, (m, k: string) => vars[k] ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

/** A recorded payload (test/hooks/payloads/<agent>/<name>.json) as an object, templated for `worktree`. */
export function payloadObject(agent: Agent, name: string, worktree: string): Record<string, any> {
  const raw = JSON.parse(readFileSync(join(ROOT, "test/hooks/payloads", agent, `${name}.json`), "utf8")) as unknown;
  return fill(raw, { WORKTREE: worktree }) as Record<string, any>;
}

/** The same, as the text an agent writes to the hook's stdin. */
export function payload(agent: Agent, name: string, worktree: string, patch: (p: Record<string, any>) => void = () => {}): string {
  const p = payloadObject(agent, name, worktree);
  patch(p);
  return JSON.stringify(p);
}

/** Runs `planref hook <agent> <event>` as the agent would: payload on stdin, started in the payload's cwd. */
export function hook(agent: string, event: string, input: string, cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return planref(["hook", agent, event], { cwd, env, input });
}

export interface ClaimedRepo {
  repo: TempRepo;
  /** The linked worktree of T001's claim. */
  worktree: string;
  commonDir: string;
  /** Opens the project as `actor` (in-process; close it after use). */
  open(actor?: string, cwd?: string): Project;
  evidence(task?: string): Promise<EvidenceDoc[]>;
  worktreeHead(): string;
}

/**
 * In-process (fast) setup: init, import and approve the spec, T001 with VERIFY as its
 * verification and T002 readiness-approved, then T001 claimed by agent-a with a worktree.
 */
export async function claimedRepo(options: { claim?: boolean } = {}): Promise<ClaimedRepo> {
  const repo = makeRepo();
  const open = (actor = "human", cwd = repo.dir) => openProject({ cwd, env: repo.env, actor });
  const h = open();
  try {
    await h.init({});
    await h.importSpec({ file: "invoice-export.md", text: readFileSync(PRD, "utf8") });
    await h.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    await h.editTask("T001", { verification: [VERIFY] });
    await h.reviewTask({ task: "T001", verdict: "approve" });
    await h.reviewTask({ task: "T002", verdict: "approve" });
  } finally {
    await h.close();
  }
  let worktree = "";
  if (options.claim !== false) {
    const a = open("agent-a");
    try {
      const r = await a.claim({ task: "T001", worktree: true });
      worktree = r.claim.worktree as string;
    } finally {
      await a.close();
    }
  }
  return {
    repo,
    worktree,
    commonDir: join(repo.dir, ".git"),
    open,
    async evidence(task = T001) {
      const p = open();
      try {
        return (await p.listEvidence({ task })).evidence;
      } finally {
        await p.close();
      }
    },
    worktreeHead: () => execFileSync("git", ["rev-parse", "HEAD"], { cwd: worktree, env: repo.env, encoding: "utf8" }).trim(),
  };
}

export function hookLog(commonDir: string): string[] {
  const file = join(commonDir, "planref", "hooks.log");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

/** The newest of `after` evidence records not in `before` (by id, which sorts by time). */
export function newEvidence(before: readonly EvidenceDoc[], after: readonly EvidenceDoc[]): EvidenceDoc[] {
  const seen = new Set(before.map((e) => e.id));
  return after.filter((e) => !seen.has(e.id));
}
