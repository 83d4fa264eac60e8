/**
 * `planref hook claude|codex <event>` through the built binary, fed the recorded payloads in
 * test/hooks/payloads as the agents send them: session context, the scope guard, evidence
 * from commands and edits, the stop reminder, and bad input that must never break an agent.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo, tempDir } from "../helpers/git-repo.js";
import { handCommit } from "../helpers/hand-commit.js";
import { openProject } from "../../src/runtime/open-project.js";
import { SECRETS } from "../domain/scrub/samples/fake-secrets.js";
import { type ClaimedRepo, claimedRepo, hook, hookLog, newEvidence, payload, payloadObject, T001, T002, VERIFY } from "./support.js";

afterAll(cleanupAll);

const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;

describe("Claude Code hooks in a claimed worktree", () => {
  let r: ClaimedRepo;
  const claude = (event: string, name: string, cwd = r.worktree, patch?: (p: Record<string, any>) => void) => hook("claude", event, payload("claude", name, cwd, patch), cwd, r.repo.env);
  const config = (key: string, value: string) => planref(["config", "set", key, value], { cwd: r.repo.dir, env: r.repo.env });

  beforeAll(async () => {
    r = await claimedRepo();
  });

  describe("SessionStart", () => {
    it("inside the claimed worktree: who you are, the claim, scope, verification and how to submit", async () => {
      const res = await claude("SessionStart", "session-start");
      expect(res.code).toBe(0);
      const out = json(res.stdout);
      expect(out.hookSpecificOutput.hookEventName).toBe("SessionStart");
      const ctx = out.hookSpecificOutput.additionalContext as string;
      expect(ctx).toContain(`You (agent-a) hold task ${T001}`);
      expect(ctx).toContain("epoch 1");
      expect(ctx).toContain("src/export/csv.ts");
      expect(ctx).toContain(VERIFY);
      expect(ctx).toContain(`planref submit ${T001}`);
      expect(res.stdout.trim().split("\n")).toHaveLength(1);
    });

    it("outside any claimed worktree: what is ready to claim (not what is claimed)", async () => {
      const res = await claude("SessionStart", "session-start", r.repo.dir);
      expect(res.code).toBe(0);
      const ctx = json(res.stdout).hookSpecificOutput.additionalContext as string;
      expect(ctx).toContain("No claim in this worktree");
      expect(ctx).toContain(`Ready to claim: ${T002}`);
      expect(ctx).not.toContain(T001);
    });
  });

  describe("PreToolUse: the scope guard", () => {
    it("an in-scope Write passes silently", async () => {
      const res = await claude("PreToolUse", "pre-write-in-scope");
      expect(res).toMatchObject({ code: 0, stdout: "" });
    });

    it("an out-of-scope Write or Edit is warned about (default policy): systemMessage and additionalContext", async () => {
      for (const [name, file] of [
        ["pre-write-out-of-scope", "README.md"],
        ["pre-edit-out-of-scope", "src/db/schema.ts"],
      ] as const) {
        const res = await claude("PreToolUse", name);
        expect(res.code).toBe(0);
        const out = json(res.stdout);
        expect(out.systemMessage).toContain(`${file} is outside the scope of your claim on ${T001}`);
        expect(out.hookSpecificOutput).toEqual({ hookEventName: "PreToolUse", additionalContext: expect.stringContaining(file) });
        expect(out.hookSpecificOutput).not.toHaveProperty("permissionDecision");
      }
    });

    it("with scopeGuard.outsideScope deny, an out-of-scope Write is denied (exit 0, permissionDecision deny)", async () => {
      expect((await config("scopeGuard.outsideScope", "deny")).code).toBe(0);
      const res = await claude("PreToolUse", "pre-write-out-of-scope");
      expect(res.code).toBe(0);
      expect(json(res.stdout)).toEqual({
        hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: expect.stringContaining("README.md is outside the scope") },
      });
      expect(await claude("PreToolUse", "pre-write-in-scope")).toMatchObject({ code: 0, stdout: "" });
    });

    it("with no claim covering the directory, the noClaim policy applies: warn, deny, allow", async () => {
      // The main checkout holds no claim (T001's claim lives in its own worktree).
      const main = r.repo.dir;
      const warn = await claude("PreToolUse", "pre-write-in-scope", main);
      expect(warn.code).toBe(0);
      expect(json(warn.stdout).systemMessage).toContain(`No planref claim covers ${main}`);

      expect((await config("scopeGuard.noClaim", "deny")).code).toBe(0);
      const deny = await claude("PreToolUse", "pre-write-in-scope", main);
      expect(json(deny.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: "deny", permissionDecisionReason: expect.stringContaining("Claim a task first") });

      expect((await config("scopeGuard.noClaim", "allow")).code).toBe(0);
      expect(await claude("PreToolUse", "pre-write-in-scope", main)).toMatchObject({ code: 0, stdout: "" });
    });
  });

  describe("PostToolUse and PostToolUseFailure: evidence", () => {
    it("a successful Bash command: exit code 0, captured by the hook, on the holder's claim", async () => {
      const before = await r.evidence();
      const res = await claude("PostToolUse", "post-bash-success");
      expect(res).toMatchObject({ code: 0, stdout: "" });
      const added = newEvidence(before, await r.evidence());
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({
        task: T001,
        epoch: 1,
        kind: "command",
        capturedBy: "hook",
        actor: "agent-a",
        command: "ls src/export",
        exitCode: 0,
        verification: false,
        outputTail: expect.stringContaining("csv.ts"),
        source: { agent: "claude", event: "PostToolUse", tool: "Bash", session: payloadObject("claude", "post-bash-success", "").session_id },
        cwd: r.worktree,
        head: r.worktreeHead(),
      });
    });

    it("activity moves the claimed task to in_progress", async () => {
      const p = r.open();
      try {
        expect((await p.showTask(T001)).task.status).toBe("in_progress");
      } finally {
        await p.close();
      }
    });

    it("a failing Bash command (PostToolUseFailure): the exit code is parsed from `error`", async () => {
      const before = await r.evidence();
      const res = await claude("PostToolUseFailure", "post-bash-failure");
      expect(res).toMatchObject({ code: 0, stdout: "" });
      const [e] = newEvidence(before, await r.evidence());
      expect(e).toMatchObject({ kind: "command", command: VERIFY, exitCode: 1, verification: true, capturedBy: "hook", source: { event: "PostToolUseFailure", tool: "Bash" } });
      expect(e?.outputTail).toContain("non-zero status code 1");
    });

    it("other failure wordings carry their code too", async () => {
      const before = await r.evidence();
      await claude("PostToolUseFailure", "post-bash-failure", r.worktree, (p) => {
        p.error = "Exit code 127\nbash: line 1: pnpm: command not found";
        p.tool_input.command = "pnpm test";
      });
      expect(newEvidence(before, await r.evidence())[0]).toMatchObject({ command: "pnpm test", exitCode: 127 });
    });

    it("Write, Edit and MultiEdit: edit evidence naming repository-relative files", async () => {
      const cases = [
        ["post-write", ["src/export/csv.ts"]],
        ["post-edit", ["src/export/csv.ts"]],
        ["post-multiedit", ["test/export/csv.test.ts"]],
      ] as const;
      for (const [name, files] of cases) {
        const before = await r.evidence();
        const res = await claude("PostToolUse", name);
        expect(res, name).toMatchObject({ code: 0, stdout: "" });
        const added = newEvidence(before, await r.evidence());
        expect(added, name).toHaveLength(1);
        expect(added[0], name).toMatchObject({ kind: "edit", capturedBy: "hook", files, actor: "agent-a", epoch: 1 });
        expect(added[0], name).not.toHaveProperty("command");
      }
    });

    it("a hook running in a subdirectory of the worktree still maps to the claim", async () => {
      const sub = join(r.worktree, "src");
      mkdirSync(sub, { recursive: true });
      const before = await r.evidence();
      const res = await hook("claude", "PostToolUse", payload("claude", "post-write", r.worktree, (p) => (p.cwd = sub)), sub, r.repo.env);
      expect(res.code).toBe(0);
      expect(newEvidence(before, await r.evidence())[0]).toMatchObject({ kind: "edit", files: ["src/export/csv.ts"], cwd: sub });
    });

    it("a token in a Bash command is scrubbed from the evidence document", async () => {
      const token = SECRETS.githubClassic;
      const before = await r.evidence();
      await claude("PostToolUse", "post-bash-success", r.worktree, (p) => (p.tool_input.command = `GH_TOKEN=${token} gh pr view 12`));
      const [e] = newEvidence(before, await r.evidence());
      expect(e?.command).toMatch(/^GH_TOKEN=\[REDACTED:[a-z-]+\] gh pr view 12$/);
      expect(JSON.stringify(e)).not.toContain(token);
    });

    it("a token in a Bash command must not reach the state ref's commit message either", async () => {
      // src/app/evidence.ts builds the commit subject from input.command, not the scrubbed command.
      const token = SECRETS.githubClassic;
      await claude("PostToolUse", "post-bash-success", r.worktree, (p) => (p.tool_input.command = `GH_TOKEN=${token} gh pr view 13`));
      const message = r.repo.git("log", "-1", "--format=%B", "refs/plan/state");
      expect(message).toContain("gh pr view 13");
      expect(message).not.toContain(token);
    });
  });

  describe("Stop", () => {
    it("while holding an unsubmitted claim: block with a reminder to submit or release", async () => {
      const res = await claude("Stop", "stop");
      expect(res.code).toBe(0);
      const out = json(res.stdout);
      expect(out).toEqual({ decision: "block", reason: expect.stringContaining(`You still hold ${T001}`) });
      expect(out.reason).toContain(`planref submit ${T001}`);
      expect(out.reason).toContain(`planref release ${T001}`);
    });

    it("on the repeat (stop_hook_active true): nothing, so the agent is not looped", async () => {
      expect(await claude("Stop", "stop-active")).toMatchObject({ code: 0, stdout: "" });
    });

    it("outside any claimed worktree: nothing", async () => {
      expect(await claude("Stop", "stop", r.repo.dir)).toMatchObject({ code: 0, stdout: "" });
    });
  });
});

describe("Codex hooks in a claimed worktree", () => {
  let r: ClaimedRepo;
  const codex = (event: string, name: string) => hook("codex", event, payload("codex", name, r.worktree), r.worktree, r.repo.env);

  beforeAll(async () => {
    r = await claimedRepo();
  });

  it("SessionStart: the claim as additional context", async () => {
    const res = await codex("SessionStart", "session-start");
    expect(res.code).toBe(0);
    expect(json(res.stdout).hookSpecificOutput.additionalContext).toContain(`You (agent-a) hold task ${T001}`);
  });

  it("PreToolUse apply_patch outside the scope: warned, naming the patched file", async () => {
    const res = await codex("PreToolUse", "pre-apply-patch-out-of-scope");
    expect(res.code).toBe(0);
    expect(json(res.stdout).systemMessage).toContain("README.md is outside the scope");
  });

  it("PostToolUse shell with an argv array: command evidence, exit status unknown (null)", async () => {
    const before = await r.evidence();
    const res = await codex("PostToolUse", "post-shell");
    expect(res).toMatchObject({ code: 0, stdout: "" });
    const added = newEvidence(before, await r.evidence());
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ kind: "command", command: "npm test -- csv", exitCode: null, capturedBy: "hook", actor: "agent-a", source: { agent: "codex", event: "PostToolUse", tool: "shell" } });
  });

  it("PostToolUse apply_patch: edit evidence with the patched files", async () => {
    const before = await r.evidence();
    const res = await codex("PostToolUse", "post-apply-patch");
    expect(res).toMatchObject({ code: 0, stdout: "" });
    const added = newEvidence(before, await r.evidence());
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ kind: "edit", files: ["src/export/csv.ts", "test/export/csv.test.ts"], source: { agent: "codex", tool: "apply_patch" } });
  });

  it("Stop while holding the claim: block", async () => {
    const res = await codex("Stop", "stop");
    expect(json(res.stdout)).toMatchObject({ decision: "block" });
  });
});

describe("bad input never breaks the agent", () => {
  let r: ClaimedRepo;
  beforeAll(async () => {
    r = await claimedRepo();
  });

  const valid = () => payload("claude", "pre-write-out-of-scope", r.worktree);
  const cases: Array<{ name: string; agent: string; event: string; input: () => string }> = [
    { name: "malformed JSON", agent: "claude", event: "PreToolUse", input: () => '{"session_id": "abc", "cwd": ' },
    { name: "an empty stdin", agent: "claude", event: "PreToolUse", input: () => "" },
    { name: "a JSON array", agent: "claude", event: "PreToolUse", input: () => `[${valid()}]` },
    { name: "an unknown agent", agent: "gemini", event: "PreToolUse", input: valid },
    { name: "an unknown event", agent: "claude", event: "Notification", input: valid },
  ];

  it.each(cases)("$name: exit 0 and nothing on stdout", async ({ agent, event, input }) => {
    const res = await hook(agent, event, input(), r.worktree, r.repo.env);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe("");
  });

  it("unreadable payloads and unknown agents are logged to <commondir>/planref/hooks.log", async () => {
    // src/hooks/main.ts parses the payload before it opens the project, so logHookProblem has no
    // project and writes only to stderr, although the hook runs inside the repository.
    const before = hookLog(r.commonDir).length;
    for (const c of cases.slice(0, 4)) await hook(c.agent, c.event, c.input(), r.worktree, r.repo.env);
    const lines = hookLog(r.commonDir).slice(before);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain('unknown agent "gemini"');
  });

  it("a payload quoted in an error cannot forge lines of the log", async () => {
    const before = hookLog(r.commonDir).length;
    const res = await hook("claude", "PreToolUse", '{"cwd": x\nFORGED LINE\n}', r.worktree, r.repo.env);
    expect(res.code).toBe(0);
    const lines = hookLog(r.commonDir).slice(before);
    expect(lines).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("FORGED"))).toBe(false);
  });

  it("an unknown event is logged, not silently dropped", async () => {
    const before = hookLog(r.commonDir).length;
    const res = await hook("claude", "Notification", valid(), r.worktree, r.repo.env);
    expect(res.code).toBe(0);
    expect(hookLog(r.commonDir).slice(before).join("\n")).toContain("Notification");
  });

  it("an internal error inside a repository with state is allowed (exit 0) and logged with a timestamp", async () => {
    const repo = makeRepo();
    const p = openProject({ cwd: repo.dir, env: repo.env, actor: "human" });
    await p.init({});
    await p.close();
    handCommit(repo, { "plan.yaml": "formatVersion: 1\nproject: {}\n" }, "broken by hand");
    const cwd = repo.dir;
    const res = await hook("claude", "SessionStart", payload("claude", "session-start", cwd), cwd, repo.env);
    expect(res).toMatchObject({ code: 0, stdout: "" });
    expect(res.stderr).toContain("planref:");
    const lines = hookLog(join(repo.dir, ".git"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z hook claude SessionStart: /);
  });

  it("in a repository without planref state: every event exits 0 with no output and creates nothing", async () => {
    const repo = makeRepo();
    const cwd = repo.dir;
    for (const [event, name] of [
      ["SessionStart", "session-start"],
      ["PreToolUse", "pre-write-out-of-scope"],
      ["PostToolUse", "post-bash-success"],
      ["PostToolUseFailure", "post-bash-failure"],
      ["Stop", "stop"],
    ] as const) {
      const res = await hook("claude", event, payload("claude", name, cwd), cwd, repo.env);
      expect(res, event).toMatchObject({ code: 0, stdout: "", stderr: "" });
    }
    expect(() => execFileSync("git", ["rev-parse", "--verify", "-q", "refs/plan/state"], { cwd, env: repo.env, stdio: "pipe" })).toThrow();
    expect(hookLog(join(repo.dir, ".git"))).toEqual([]);
  });

  it("outside any git repository: exit 0, no output", async () => {
    const dir = tempDir();
    const res = await hook("claude", "PreToolUse", payload("claude", "pre-write-out-of-scope", dir), dir, makeRepo().env);
    expect(res).toMatchObject({ code: 0, stdout: "" });
  });
});
