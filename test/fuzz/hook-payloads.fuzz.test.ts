/**
 * Fuzzing the agent hooks with random JSON, mutated real payloads (test/hooks/payloads),
 * non-JSON, huge and deeply nested input, wrong types, unknown agents and events. A hook
 * never breaks the agent: it exits 0 with an allow (here the policy is "warn", so never a
 * deny), anything it could not handle is logged to <commondir>/planref/hooks.log, and what
 * it writes to refs/plan/state is valid. The bulk runs in-process through runHook; a
 * sample goes through the built `planref hook <agent> <event>`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHook } from "../../src/hooks/main.js";
import { type ClaimedRepo, claimedRepo, hook, payloadObject } from "../hooks/support.js";
import { cleanupAll, fsckOk } from "../helpers/git-repo.js";
import { blobIssues, commitsBetween, NASTY_CHARS, nastyString, params, preview, stateIssues, tipOf, within, TIMEOUT } from "./support.js";

const RECORDED = {
  claude: ["post-bash-failure", "post-bash-success", "post-edit", "post-multiedit", "post-write-readme", "post-write", "pre-edit-out-of-scope", "pre-write-in-scope", "pre-write-out-of-scope", "session-start", "stop-active", "stop"],
  codex: ["post-apply-patch", "post-shell", "pre-apply-patch-out-of-scope", "session-start", "stop"],
} as const;

const EVENTS = { claude: ["SessionStart", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop"], codex: ["SessionStart", "PreToolUse", "PostToolUse", "Stop"] } as const;

/** One hook invocation: who calls, for which event, with what on stdin. */
class Call {
  constructor(
    readonly agent: string,
    readonly event: string,
    readonly stdin: string,
    readonly recipe: string,
  ) {}

  /** What planref can read at all: a JSON object from a known agent. */
  get readable(): boolean {
    if (this.agent !== "claude" && this.agent !== "codex") return false;
    try {
      const v = JSON.parse(this.stdin) as unknown;
      return v !== null && typeof v === "object" && !Array.isArray(v);
    } catch {
      return false;
    }
  }

  [fc.toStringMethod](): string {
    return `hook ${JSON.stringify(this.agent)} ${JSON.stringify(this.event)} <<< ${this.recipe}`;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Deep nesting cannot go through JSON.stringify (it recurses), so a placeholder stands for it
 * and `serialize` writes the brackets out.
 */
const deepMarker = (levels: number): string => `\u0000deep:${levels}\u0000`;

function serialize(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(/"\\u0000deep:(\d+)\\u0000"/g, (_, n: string) => `${"[".repeat(Number(n))}"x"${"]".repeat(Number(n))}`);
}

function setPath(obj: Record<string, Json>, path: readonly string[], value: Json | undefined): void {
  let target: Record<string, Json> = obj;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (!next || typeof next !== "object" || Array.isArray(next)) target[key] = {};
    target = target[key] as Record<string, Json>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

describe("fuzz: agent hook payloads", () => {
  let r: ClaimedRepo;
  let start: string;
  /** Commits this suite makes itself (policy changes), not the hooks. */
  const ours = new Set<string>();
  let previousCwd: string;

  beforeAll(async () => {
    r = await claimedRepo();
    start = tipOf(r.repo) as string;
    // A payload without a usable cwd falls back to the process's directory: let that be the worktree, as for an agent.
    previousCwd = process.cwd();
    process.chdir(r.worktree);
  });
  afterAll(() => {
    process.chdir(previousCwd);
    cleanupAll();
  });

  /** Paths a payload may name: the worktree, inside and outside it, relative, missing, hostile. */
  const paths = () =>
    fc.oneof(
      fc.constantFrom(r.worktree, join(r.worktree, "src"), join(r.worktree, "src/export/csv.ts"), r.repo.dir, join(r.repo.dir, ".git"), ".", "", "src", "../..", "/nonexistent/dir", "README.md", "src/export/../../../x.ts", "C:\\Windows"),
      nastyString(40),
      fc.constantFrom(...NASTY_CHARS).map((c) => `${r.worktree}/${c}`),
    );

  const value = (): fc.Arbitrary<Json> =>
    fc.oneof(
      { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
      { weight: 2, arbitrary: nastyString(60) },
      { weight: 2, arbitrary: paths() },
      { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, 0, -1, 1e308, "", [], {}, ["a", 1], { command: "x" }) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom("x", "é", "😀", " ", "\n", "exit code ", "*** Update File: f\n"), fc.integer({ min: 1_000, max: 300_000 })).map(([u, n]) => u.repeat(Math.ceil(n / u.length))) },
      { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map(deepMarker) },
    );

  const KEYS = [
    ["cwd"],
    ["session_id"],
    ["hook_event_name"],
    ["tool_name"],
    ["tool_input"],
    ["tool_input", "command"],
    ["tool_input", "cmd"],
    ["tool_input", "file_path"],
    ["tool_input", "path"],
    ["tool_input", "notebook_path"],
    ["tool_input", "patch"],
    ["tool_input", "input"],
    ["tool_input", "edits"],
    ["tool_response"],
    ["tool_response", "stdout"],
    ["tool_response", "stderr"],
    ["tool_response", "output"],
    ["tool_response", "exit_code"],
    ["tool_response", "interrupted"],
    ["error"],
    ["stop_hook_active"],
    ["source"],
    ["__proto__"],
    ["constructor"],
  ] as const;

  const TOOLS = ["Bash", "Write", "Edit", "MultiEdit", "NotebookEdit", "apply_patch", "shell", "exec_command", "local_shell", "container.exec", "edit", "write", "Read", "", "bash"];

  const edit = () =>
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ path: fc.constantFrom(...KEYS), value: value() }) },
      { weight: 2, arbitrary: fc.record({ path: fc.constantFrom(...KEYS), value: fc.constant(undefined) }) },
      { weight: 2, arbitrary: fc.record({ path: fc.constant(["tool_name"] as const), value: fc.constantFrom<Json>(...TOOLS) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          path: fc.constant(["error"] as const),
          value: fc.oneof(
            fc.constantFrom<Json>("Exit code 127", "exited with status 2", "Command exited with non-zero status code 99999999999999999999", "exit status: -1"),
            // Long runs after the wording: the exit-code pattern must stay linear.
            fc.tuple(fc.constantFrom("exit code", "exit status", "exited with non-zero status code"), fc.constantFrom(" ", "\t", " :", "\n"), fc.integer({ min: 1_000, max: 150_000 })).map(([w, u, n]) => `${w}${u.repeat(n)}x`),
          ),
        }),
      },
    );

  const agentEvent = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom("claude" as const, "codex" as const).chain((a) => fc.tuple(fc.constant<string>(a), fc.constantFrom<string>(...EVENTS[a]))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("claude", "codex", "gemini", "", "CLAUDE", "../codex"), fc.constantFrom("Notification", "", "SubagentStop", "PreToolUse\n", "__proto__", "toString")) },
  );

  /** Real payloads, templated for the worktree, then edited and sent for some event. */
  const mutatedReal = (minEdits = 1) =>
    fc
      .tuple(fc.constantFrom("claude" as const, "codex" as const).chain((a) => fc.tuple(fc.constant(a), fc.constantFrom(...RECORDED[a]))), agentEvent, fc.array(edit(), { minLength: minEdits, maxLength: 4 }))
      .map(([[source, name], [agent, event], edits]) => {
        const p = payloadObject(source, name, r.worktree) as Record<string, Json>;
        for (const e of edits) setPath(p, e.path, e.value);
        const summary = edits.map((e) => `${e.path.join(".")}=${e.value === undefined ? "(deleted)" : preview(JSON.stringify(e.value) ?? "", 60)}`).join(", ");
        return new Call(agent, event, serialize(p), `${source}/${name} with ${summary || "no edits"}`);
      });

  /** The recorded edits before they run, sent to the agent's PreToolUse, mostly as recorded: where the scope guard decides. */
  const preEdits = () =>
    fc
      .tuple(fc.constantFrom(["claude", "pre-write-out-of-scope"] as const, ["claude", "pre-edit-out-of-scope"] as const, ["claude", "pre-write-in-scope"] as const, ["codex", "pre-apply-patch-out-of-scope"] as const), fc.array(edit(), { maxLength: 1 }), fc.boolean())
      .map(([[agent, name], edits, mainCheckout]) => {
        const cwd = mainCheckout ? r.repo.dir : r.worktree;
        const p = payloadObject(agent, name, cwd) as Record<string, Json>;
        for (const e of edits) setPath(p, e.path, e.value);
        const summary = edits.map((e) => `${e.path.join(".")}=${e.value === undefined ? "(deleted)" : preview(JSON.stringify(e.value) ?? "", 60)}`).join(", ");
        return new Call(agent, "PreToolUse", serialize(p), `${agent}/${name} in ${mainCheckout ? "the main checkout" : "the worktree"} with ${summary || "no edits"}`);
      });

  /** Real payload text cut, spliced and garbled: mostly not JSON any more. */
  const garbled = () =>
    fc
      .tuple(fc.constantFrom("claude" as const, "codex" as const).chain((a) => fc.tuple(fc.constant(a), fc.constantFrom(...RECORDED[a]))), agentEvent, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(nastyString(8), fc.constantFrom("", "{", "}", "[", '"', ",", ":", "\\", "\\u", "\\ud800", "null", "1e999"))), { minLength: 1, maxLength: 5 }), fc.boolean())
      .map(([[source, name], [agent, event], splices, truncate]) => {
        let text = serialize(payloadObject(source, name, r.worktree), 2);
        for (const [at, insert] of splices) {
          const i = Math.floor(at * text.length);
          text = text.slice(0, i) + insert + text.slice(i + (insert === "" ? 1 : 0));
        }
        if (truncate) text = text.slice(0, Math.floor(splices[0]?.[0] ?? 0.5 * text.length));
        return new Call(agent, event, text, `${source}/${name} garbled: ${preview(text, 120)}`);
      });

  const randomInput = () =>
    fc.tuple(agentEvent, fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: "binary", maxLength: 200 }), fc.constantFrom("", "\n", "null", "[]", "{}", '""', "\uFEFF{}", "{}{}", '{"cwd": "."}'))).map(([[agent, event], stdin]) => new Call(agent, event, stdin, preview(stdin, 120)));

  const calls = () => fc.oneof({ weight: 6, arbitrary: mutatedReal() }, { weight: 2, arbitrary: garbled() }, { weight: 2, arbitrary: randomInput() });

  const STOP_BLOCK = { decision: "block", reason: expect.stringContaining("You still hold") };

  /** stdout is empty or one documented answer for that event; never a deny under the "warn" policy. */
  const EDITS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit", "apply_patch", "edit", "write"]);

  /**
   * stdout is empty or one documented answer for that event. A deny only under the "deny"
   * policy, only before an edit tool runs, and in Claude Code's documented shape.
   */
  function checkAnswer(call: Call, stdout: string, policy: "warn" | "deny" = "warn"): void {
    if (stdout === "") return;
    expect(stdout.endsWith("\n") && stdout.indexOf("\n") === stdout.length - 1, `one line: ${preview(stdout)}`).toBe(true);
    const answer = JSON.parse(stdout) as Record<string, any>;
    if (policy === "warn") expect(JSON.stringify(answer)).not.toContain('"deny"');
    switch (call.event) {
      case "SessionStart":
        expect(answer).toEqual({ hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: expect.stringContaining("planref: project") } });
        break;
      case "PreToolUse":
        if (policy === "warn") {
          expect(answer).toEqual({ systemMessage: expect.stringMatching(/^planref: /), hookSpecificOutput: { hookEventName: "PreToolUse", additionalContext: expect.stringMatching(/^planref warning: /) } });
        } else {
          expect(answer).toEqual({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: expect.any(String) } });
          expect(EDITS.has((JSON.parse(call.stdin) as { tool_name?: unknown }).tool_name as string), "only edits are denied").toBe(true);
        }
        break;
      case "Stop":
        expect(answer).toEqual(STOP_BLOCK);
        expect((JSON.parse(call.stdin) as { stop_hook_active?: unknown }).stop_hook_active, "no block on the repeat").not.toBe(true);
        break;
      default:
        throw new Error(`unexpected answer to ${call.event}: ${preview(stdout)}`);
    }
  }

  const logText = () => {
    const file = join(r.commonDir, "planref", "hooks.log");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  };

  /** Each problem goes to stderr as "planref: <line>" and to hooks.log as "<line>": a timestamp, the agent, the event, the message. */
  function checkLogged(call: Call, problems: readonly string[], appended: string): void {
    // The log file is UTF-8: a lone surrogate quoted in a message is stored as U+FFFD.
    const asStored = (text: string) => Buffer.from(text, "utf8").toString("utf8");
    expect(appended, "hooks.log gained exactly what stderr said").toBe(asStored(problems.map((p) => p.replace(/^planref: /, "")).join("")));
    for (const p of problems) expect(p.startsWith(`planref: `) && p.slice(9, 9 + 24).match(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/) !== null && p.slice(9 + 24).startsWith(` hook ${call.agent} ${call.event}: `), p).toBe(true);
    if (!call.readable) expect(problems.length, "unreadable input is logged").toBeGreaterThan(0);
  }

  it("in-process: every call allows (exit 0), answers in the documented shape, and logs what it could not handle", async () => {
    const counts = { logged: 0, answered: 0, calls: 0 };
    await fc.assert(
      fc.asyncProperty(calls(), async (call) => {
        const before = logText().length;
        let stdout = "";
        const problems: string[] = [];
        const code = await within(
          20_000,
          `runHook ${call.agent} ${call.event}`,
          runHook(call.agent, call.event, { stdin: call.stdin, stdout: (s) => (stdout += s), stderr: (s) => problems.push(s), env: r.repo.env, cwd: r.worktree }),
        );
        expect(code).toBe(0);
        checkAnswer(call, stdout);
        checkLogged(call, problems, logText().slice(before));
        counts.calls++;
        if (problems.length > 0) counts.logged++;
        if (stdout !== "") counts.answered++;
      }),
      params(200),
    );
    // The mix must reach both sides: calls that were handled and answered, and calls that were logged.
    expect(counts.logged).toBeGreaterThan(0);
    expect(counts.answered).toBeGreaterThan(0);
  }, TIMEOUT);

  it("with the deny policy: denies only edits, in the documented shape; everything else as before", async () => {
    const set = async (outsideScope: string, noClaim: string) => {
      const p = r.open();
      try {
        for (const [key, value] of [["scopeGuard.outsideScope", outsideScope], ["scopeGuard.noClaim", noClaim]] as const) {
          const { commit } = await p.setConfig({ key, value });
          if (commit) ours.add(commit);
        }
      } finally {
        await p.close();
      }
    };
    await set("deny", "deny");
    let denied = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(calls(), preEdits()), async (call) => {
          let stdout = "";
          const code = await within(20_000, `runHook ${call.agent} ${call.event}`, runHook(call.agent, call.event, { stdin: call.stdin, stdout: (s) => (stdout += s), stderr: () => {}, env: r.repo.env, cwd: r.worktree }));
          expect(code).toBe(0);
          checkAnswer(call, stdout, "deny");
          if (stdout.includes('"deny"')) denied++;
          // The recorded payloads as they are: in scope passes, out of scope or without a claim is denied.
          if (call.recipe === "claude/pre-write-in-scope in the worktree with no edits") expect(stdout).toBe("");
          else if (call.recipe.endsWith(" with no edits") && call.recipe.includes("/pre-")) expect(stdout, call.recipe).toContain('"permissionDecision":"deny"');
        }),
        params(60),
      );
    } finally {
      await set("warn", "warn");
    }
    expect(denied).toBeGreaterThan(0);
  }, TIMEOUT);

  it("through the built binary: exit 0, a documented answer, the problem logged", async () => {
    await fc.assert(
      fc.asyncProperty(calls(), async (call) => {
        const before = logText().length;
        const res = await within(30_000, `planref hook ${call.agent} ${call.event}`, hook(call.agent, call.event, call.stdin, r.worktree, r.repo.env));
        expect({ code: res.code, stderr: res.stderr.slice(0, 500) }).toMatchObject({ code: 0 });
        checkAnswer(call, res.stdout);
        const appended = logText().slice(before);
        expect(Buffer.from(res.stderr.replace(/^planref: /gm, ""), "utf8").toString("utf8"), "stderr is what was logged").toBe(appended);
        if (!call.readable) expect(appended).not.toBe("");
      }),
      params(6),
    );
  }, TIMEOUT);

  it("what the hooks wrote to refs/plan/state is valid, commit by commit", async () => {
    const end = tipOf(r.repo) as string;
    const commits = commitsBetween(r.repo, start, end);
    // Evidence was recorded along the way: the fuzz reached the writing paths, not only the refusals.
    expect(commits.length).toBeGreaterThan(0);
    for (const { commit, changes } of commits) {
      if (ours.has(commit)) continue;
      for (const c of changes) expect(c.path, `commit ${commit}`).toMatch(/^(evidence|tasks|claims)\//);
    }
    const written = commits.flatMap(({ commit, changes }) => changes.flatMap((c) => (c.oid ? [{ path: c.path, oid: c.oid, commit }] : [])));
    expect(blobIssues(r.repo, written)).toEqual([]);
    expect(stateIssues(r.repo, end)).toEqual([]);
    expect(fsckOk(r.repo.dir, r.repo.env).ok).toBe(true);
    const p = r.open();
    try {
      expect((await p.status()).project).toBeTruthy();
    } finally {
      await p.close();
    }
  }, TIMEOUT);
});
