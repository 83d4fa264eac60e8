import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { toPlanrefError } from "../errors.js";
import { runHook } from "../hooks/main.js";
import { openProject, type Project } from "../runtime/open-project.js";

/**
 * Each demo agent is an operating-system process of its own, doing its planref work
 * in-process through the library (one project per working directory, as a long-lived agent
 * harness would) and reporting tool use through the hook handler with Claude Code's
 * payloads. Three of them contend on refs/plan/state exactly as three agents on one machine
 * do, without paying a node start-up per command; and killing one is a real crash.
 *
 * The process is this very module, forked: see the bottom of the file.
 */
const MARK = "PLANREF_DEMO_AGENT_PROCESS";

const OPS = {
  next: (p: Project, input: Parameters<Project["next"]>[0]) => p.next(input),
  claim: (p: Project, input: Parameters<Project["claim"]>[0]) => p.claim(input),
  heartbeat: (p: Project, input: Parameters<Project["heartbeat"]>[0]) => p.heartbeat(input),
  packet: async (p: Project, input: Parameters<Project["packet"]>[0]) => (await p.packet(input)).packet,
  verify: (p: Project, input: Parameters<Project["verify"]>[0]) => p.verify(input),
  submit: (p: Project, input: Parameters<Project["submit"]>[0]) => p.submit(input),
};

export type Op = keyof typeof OPS;
export type OpInput<K extends Op> = Parameters<(typeof OPS)[K]>[1];
export type OpResult<K extends Op> = Awaited<ReturnType<(typeof OPS)[K]>>;

export interface OpError {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export type Outcome<T> = { ok: true; result: T } | { ok: false; error: OpError };

type Body = { at: string; cwd: string } & ({ kind: "op"; op: Op; input: unknown } | { kind: "hook"; event: string; payload: string });
type Request = Body & { id: number };
type Response = { id: number } & Outcome<unknown>;

export interface HookRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The parent's handle on one agent process. */
export class AgentProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private stderr = "";
  private exit: Promise<void>;

  constructor(
    readonly name: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = fork(fileURLToPath(import.meta.url), [], { env: { ...env, [MARK]: "1" }, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString("utf8")).slice(-4000)));
    this.child.on("message", (m: Response) => {
      this.pending.get(m.id)?.resolve(m);
      this.pending.delete(m.id);
    });
    this.exit = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        const why = new Error(`${name}'s process exited (${signal ?? `code ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim()}` : ""}`);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private send(req: Body): Promise<Response> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...req, id } satisfies Request, (e) => {
        if (!e) return;
        this.pending.delete(id);
        reject(e);
      });
    });
  }

  /** Runs one use case in the agent's process, at `at` on the demo's clock. */
  async op<K extends Op>(op: K, cwd: string, at: Date, input: OpInput<K>): Promise<Outcome<OpResult<K>>> {
    return (await this.send({ kind: "op", op, input, cwd, at: at.toISOString() })) as Outcome<OpResult<K>>;
  }

  /** `planref hook claude <event>`, handled in the agent's process, with the payload as its stdin. */
  async hook(event: string, payload: object, cwd: string, at: Date): Promise<HookRun> {
    const r = await this.send({ kind: "hook", event, payload: JSON.stringify(payload), cwd, at: at.toISOString() });
    if (!r.ok) throw new Error(`${this.name}: hook ${event} failed: ${r.error.message}`);
    return r.result as HookRun;
  }

  /** A crash: no release, no goodbye, nothing flushed. */
  async kill(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.exit;
  }

  async close(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await this.exit;
  }
}

/** The agent process's side: runs requests one at a time until the parent disconnects. */
function serve(): void {
  // What planref runs from here (verification commands, git) must not start agents of its own.
  delete process.env[MARK];
  let at = new Date();
  const projects = new Map<string, Project>();
  const projectIn = (cwd: string): Project => {
    let p = projects.get(cwd);
    if (!p) {
      p = openProject({ cwd, env: process.env, now: () => at });
      projects.set(cwd, p);
    }
    return p;
  };
  const handle = async (req: Request): Promise<unknown> => {
    if (req.kind === "hook") {
      let stdout = "";
      let stderr = "";
      const env = { ...process.env, PLANREF_NOW: req.at };
      const code = await runHook("claude", req.event, { stdin: req.payload, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env, cwd: req.cwd });
      return { code, stdout, stderr } satisfies HookRun;
    }
    const run = OPS[req.op] as (p: Project, input: unknown) => Promise<unknown>;
    return run(projectIn(req.cwd), req.input);
  };
  let queue = Promise.resolve();
  process.on("message", (req: Request) => {
    queue = queue.then(async () => {
      at = new Date(req.at);
      let res: Response;
      try {
        res = { id: req.id, ok: true, result: await handle(req) };
      } catch (e) {
        const { code, message, hint, details } = toPlanrefError(e).toJSON();
        res = { id: req.id, ok: false, error: { code, message, ...(hint ? { hint } : {}), details: details as Record<string, unknown> } };
      }
      process.send?.(res);
    });
  });
  process.on("disconnect", () => {
    void queue.then(async () => {
      for (const p of projects.values()) await p.close().catch(() => {});
      process.exit(0);
    });
  });
}

if (process.env[MARK] === "1" && typeof process.send === "function") serve();
