import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { BIN, type CliResult, planref } from "../helpers/cli.js";
import { makeRepo, type TempRepo } from "../helpers/git-repo.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CHROMIUM = process.env.PLANREF_TEST_CHROMIUM ?? "/usr/bin/chromium";
export const inv = (local: string) => `invoice-export.${local}`;

/** The board's tests need a real browser: a missing one is a failure with the fix, never a silent skip. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: the board's browser tests need it. Install it with "apt-get install -y chromium" (Debian), or point PLANREF_TEST_CHROMIUM at a Chromium binary.`);
  }
  // Root (as in CI containers) cannot use Chromium's sandbox.
  return chromium.launch({ executablePath: CHROMIUM, chromiumSandbox: process.getuid?.() !== 0 });
}

export interface Seeded {
  repo: TempRepo;
  /** The third ready task, added outside the spec and left unclaimed. */
  docsTask: string;
  cli(actor: string, args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
}

function must(r: CliResult, args: string[]): CliResult {
  if (r.code !== 0) throw new Error(`planref ${args.join(" ")} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r;
}

/**
 * A repository seeded through the built CLI: the invoice spec imported and approved, T001 and
 * T002 ready, a third ready task, alice holding T001 and bob holding T002 with a lease that
 * ran out an hour ago (his claim was made with the clock pinned back).
 */
export async function seed(): Promise<Seeded> {
  const repo = makeRepo();
  const cli = async (actor: string, args: string[], env: NodeJS.ProcessEnv = {}) => must(await planref(args, { cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: actor, ...env } }), args);
  await cli("lead", ["init", "--name", "shop"]);
  await cli("lead", ["spec", "import", join(ROOT, "fixtures/prd/invoice-export.md")]);
  await cli("lead", ["spec", "review", "invoice-export", "--approve"]);
  for (const t of ["T001", "T002"]) await cli("lead", ["task", "review", t, "--approve"]);
  const added = await cli("lead", ["task", "add", "--title", "Refresh the export docs", "--verify", "true", "--criterion", "docs build", "--scope", "docs/**", "--json"]);
  const docsTask = added.json?.data.task.id as string;
  await cli("lead", ["task", "review", docsTask, "--approve"]);
  await cli("alice", ["claim", "T001"]);
  await cli("bob", ["claim", "T002", "--lease", "15m"], { PLANREF_NOW: new Date(Date.now() - 3600_000).toISOString() });
  return { repo, docsTask, cli };
}

export interface Served {
  /** The printed address (with the token fragment when writes are on). */
  url: string;
  base: string;
  port: number;
  token: string | null;
  out(): string;
  err(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Starts the built `planref serve` and waits for the address it prints. */
export async function serve(repo: TempRepo, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], { cwd: repo.dir, env: { ...repo.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (running.delete(child), resolve(code))));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`planref serve printed no address in 15 s: ${out}${err}`)), 15_000);
    child.stdout.on("data", (d) => {
      out += d;
      const line = /^(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(out);
      // The last line of the banner: everything above it has arrived.
      if (line && out.includes("stop with Ctrl-C")) {
        clearTimeout(timer);
        resolve(line[1] as string);
      }
    });
    void exited.then((code) => reject(new Error(`planref serve exited ${code} before printing an address: ${out}${err}`)));
  });
  const base = /^http:\/\/127\.0\.0\.1:\d+\//.exec(url)?.[0] as string;
  return {
    url,
    base,
    port: Number(new URL(base).port),
    token: /#token=(.+)$/.exec(url)?.[1] ?? null,
    out: () => out,
    err: () => err,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

export function stopAll(): void {
  for (const c of running) c.kill("SIGKILL");
}

export interface RawResponse {
  status: number;
  body: any;
}

/** A plain HTTP request with exactly the headers given (fetch would not let a test set Host). */
export function raw(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: { Host: `127.0.0.1:${port}`, ...options.headers } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: the page or an asset */
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

export function tipOf(repo: TempRepo): string {
  return repo.git("rev-parse", "refs/plan/state").trim();
}
