/**
 * MCP and the CLI sit on one application layer, so the same scenario through either front
 * end must leave the same documents on refs/plan/state: same paths, same content, up to
 * what legitimately differs between two runs (times, commit ids, random record ids, the
 * temp directory, durations).
 */
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planref } from "../helpers/cli.js";
import { cleanupAll, type TempRepo } from "../helpers/git-repo.js";
import { connect, preparedRepo, T001 } from "./support.js";

afterAll(cleanupAll);

const SUMMARY = "CSV serializer";

async function viaCli(repo: TempRepo): Promise<void> {
  const steps = [
    ["next"],
    ["claim", "T001"],
    ["heartbeat"],
    ["packet", "T001"],
    ["run", "--", "echo hello; echo world"],
    ["verify"],
    ["submit", "--summary", SUMMARY, "--command", "true"],
  ];
  for (const args of steps) {
    const r = await planref(args, { cwd: repo.dir, env: repo.env });
    if (r.code !== 0) throw new Error(`planref ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  }
}

async function viaMcp(repo: TempRepo): Promise<void> {
  const s = await connect({ cwd: repo.dir, env: repo.env });
  try {
    const steps: Array<[string, Record<string, unknown>]> = [
      ["planref_next", {}],
      ["planref_claim", { task: "T001" }],
      ["planref_heartbeat", {}],
      ["planref_packet", { task: "T001" }],
      ["planref_run", { command: ["echo hello; echo world"] }],
      ["planref_verify", {}],
      ["planref_submit", { summary: SUMMARY, commands: ["true"] }],
    ];
    for (const [name, args] of steps) {
      const r = await s.call(name, args);
      if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.envelope.error)}`);
    }
  } finally {
    await s.close();
  }
}

const RECORD_ID = /\d{8}T\d{9}Z-[0-9a-z]{8}/g;

/** Replaces what differs between two runs by placeholders; the rest must match exactly. */
function normalizer(repo: TempRepo) {
  const dirs = [repo.dir, repo.git("rev-parse", "--show-toplevel").trim()].sort((x, y) => y.length - x.length);
  const text = (s: string) => {
    let out = s;
    for (const d of dirs) out = out.split(d).join("<REPO>");
    return out
      .replace(RECORD_ID, "<RECORD>")
      .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\b/g, "<TIME>")
      .replace(/\b[0-9a-f]{40}\b/g, "<COMMIT>");
  };
  const value = (v: unknown, key?: string): unknown => {
    if (key === "durationMs" && typeof v === "number") return "<MS>";
    // A fingerprint of HEAD plus changes: HEAD differs between the two repositories.
    if (key === "worktreeState" && typeof v === "string") return "<STATE>";
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map((x) => value(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x, k)]));
    return v;
  };
  return { text, value };
}

/** Every document at the tip, by normalized path, in path order (record ids sort by time). */
function documents(repo: TempRepo): Array<[string, unknown]> {
  const n = normalizer(repo);
  const paths = repo.git("ls-tree", "-r", "--name-only", "refs/plan/state").trim().split("\n").sort();
  return paths.map((p) => {
    const raw = repo.git("show", `refs/plan/state:${p}`);
    return [n.text(p), n.value(p.endsWith(".yaml") ? parse(raw) : raw)];
  });
}

function operations(repo: TempRepo): string[] {
  return repo.git("log", "--format=%(trailers:key=Planref-Op,valueonly,separator=)|%(trailers:key=Planref-Task,valueonly,separator=)|%(trailers:key=Planref-Actor,valueonly,separator=)", "refs/plan/state").trim().split("\n");
}

describe("parity: the same scenario through the CLI and through MCP", () => {
  it("yields the same documents and the same operations", async () => {
    const [a, b] = await Promise.all([preparedRepo(), preparedRepo()]);
    await Promise.all([viaCli(a), viaMcp(b)]);

    const docsA = documents(a);
    const docsB = documents(b);
    expect(docsB.map(([p]) => p)).toEqual(docsA.map(([p]) => p));
    expect(docsA.map(([p]) => p)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^claims\/.+\/invoice-export\.T001\.yaml$/), expect.stringMatching(/^evidence\/.+\/<RECORD>\.yaml$/), expect.stringMatching(/^submissions\/.+\/<RECORD>\.yaml$/)]),
    );
    for (const [i, [path, doc]] of docsA.entries()) expect(docsB[i]?.[1], path).toEqual(doc);

    // Sanity: the scenario did what it says, in both.
    const task = docsA.find(([p]) => p.endsWith(`${T001}.yaml`) && p.startsWith("tasks/"))?.[1] as { status: string };
    expect(task.status).toBe("submitted");
    const evidence = docsA.filter(([p]) => p.startsWith("evidence/")).map(([, d]) => d as { command: string; outputTail: string; cwd: string });
    expect(evidence.map((e) => [e.command, e.cwd])).toEqual([
      ["echo hello; echo world", "<REPO>"],
      ["true", "<REPO>"],
    ]);
    expect(evidence[0]?.outputTail).toBe("hello\nworld\n");

    expect(operations(b)).toEqual(operations(a));
  });
});
