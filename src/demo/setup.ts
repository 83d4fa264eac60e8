import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import { openProject } from "../runtime/open-project.js";
import type { DemoClock } from "./clock.js";
import { shortId } from "./context.js";
import type { Narrator } from "./narration.js";
import { git } from "./processes.js";
import { SHOP_FILES } from "./shop-files.js";

/** The PRD's verification commands are `npm test -- …`: without npm the first verify would fail halfway through. */
export function requireNpm(env: NodeJS.ProcessEnv): void {
  const found = (env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || ".", "npm"), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new UsageError("planref demo needs npm on PATH: the PRD's verification commands are npm test -- <name>", { hint: "Install Node.js with npm, or put npm on PATH, and run it again." });
}

/** The directory that holds the demo's repository and its worktrees: new, or empty. */
export function prepareRoot(dir: string | undefined): string {
  if (dir === undefined) return realpathSync(mkdtempSync(join(tmpdir(), "planref-demo-")));
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory() || readdirSync(dir).length > 0) {
      throw new UsageError(`${dir} exists and is not an empty directory`, { hint: "Pass --dir a new or empty directory, or leave it out for a temporary one." });
    }
  } else {
    mkdirSync(dir, { recursive: true });
  }
  return realpathSync(dir);
}

/**
 * The environment every process of the demo inherits. Variables that would point git or
 * planref elsewhere, or name someone else, are dropped; signing and hooks from the user's
 * git config are switched off for the demo's commits, and npm stays off the network.
 */
export function demoEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dropped = /^(PLANREF_|GIT_(DIR|WORK_TREE|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|NAMESPACE|PREFIX|AUTHOR_|COMMITTER_)|CLAUDECODE$|CLAUDE_SESSION_ID$|CODEX_SANDBOX$)/;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(parent)) if (!dropped.test(k)) env[k] = v;
  const count = /^\d+$/.test(parent.GIT_CONFIG_COUNT ?? "") ? Number(parent.GIT_CONFIG_COUNT) : 0;
  const settings: Array<[string, string]> = [
    ["commit.gpgSign", "false"],
    ["core.hooksPath", "/dev/null"],
  ];
  settings.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${count + i}`] = key;
    env[`GIT_CONFIG_VALUE_${count + i}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(count + settings.length);
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

export function gitIdentity(name: string, at: Date): NodeJS.ProcessEnv {
  const email = `${name}@planref.invalid`;
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_DATE: at.toISOString(), GIT_COMMITTER_DATE: at.toISOString() };
}

/** `git init` and a first commit of the shop, with the PRD's acceptance tests already in it. */
export async function createShopRepository(repo: string, env: NodeJS.ProcessEnv, clock: DemoClock, narrator: Narrator): Promise<void> {
  mkdirSync(repo, { recursive: true });
  await git(["init", "-q", "-b", "main"], { cwd: repo, env });
  for (const [path, content] of Object.entries(SHOP_FILES)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  await git(["add", "-A"], { cwd: repo, env });
  await git(["commit", "-q", "-m", "Shop: invoices, a job queue, and the acceptance tests of the invoice-export PRD"], { cwd: repo, env: { ...env, ...gitIdentity("lead", clock.stamp()) } });
  narrator.say("lead", "setup", `git init; first commit: package.json (npm test), src/invoices, src/jobs, and the PRD's tests in test/`);
}

/** What the lead does before any agent starts: init, import the PRD, approve it, review every task's readiness. */
export async function planTheWork(repo: string, env: NodeJS.ProcessEnv, clock: DemoClock, narrator: Narrator, prd: string): Promise<void> {
  let at = clock.now();
  const lead = openProject({ cwd: repo, env, actor: "lead", kind: "human", now: () => at });
  const step = <T>(op: () => Promise<T>): Promise<T> => {
    at = clock.stamp();
    return op();
  };
  try {
    await step(() => lead.init({ name: "shop" }));
    const imported = await step(() => lead.importSpec({ file: "invoice-export.md", text: readFileSync(prd, "utf8") }));
    await step(() => lead.reviewSpec({ spec: imported.specId, verdict: "approve" }));
    const tasks = await lead.listTasks({ spec: imported.specId });
    for (const t of tasks) await step(() => lead.reviewTask({ task: t.id, verdict: "approve" }));
    const ids = tasks.map((t) => shortId(t.id));
    narrator.say("lead", "setup", `planref init; spec import invoice-export.md (${ids.length} tasks); spec review --approve; task review --approve ${ids.join(" ")}: all ready`);
  } finally {
    await lead.close();
  }
}
