import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openProject } from "../../src/runtime/open-project.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

it("evidence of an over-long command or source is kept, cut to the schema's limits and saying so", async () => {
  const repo = makeRepo();
  const p = openProject({ cwd: repo.dir, env: repo.env, actor: "ann" });
  try {
    await p.init({ name: "limits" });
    await p.importSpec({ file: "invoice-export.md", text: readFileSync(join(import.meta.dirname, "../../fixtures/prd/invoice-export.md"), "utf8") });
    await p.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    await p.reviewTask({ task: "invoice-export.T001", verdict: "approve" });
    await p.claim({ task: "invoice-export.T001" });
    const heredoc = `cat <<'EOF' > big.txt\n${"x".repeat(12_000)}\nEOF`;
    const r = await p.addEvidence({
      task: "invoice-export.T001",
      kind: "command",
      capturedBy: "hook",
      command: heredoc,
      outcome: { exitCode: 0, durationMs: 5, output: "", outputSha256: "0".repeat(64), outputBytes: 0 },
      source: { agent: "claude", event: "PostToolUse", tool: "Bash", session: "s".repeat(500) },
      files: ["a".repeat(5000)],
      cwd: repo.dir,
      startedAt: new Date(),
    });
    expect(r.evidence.command?.length).toBeLessThanOrEqual(8000);
    expect(r.evidence.command).toMatch(/^cat <<'EOF' > big\.txt\nxxx/);
    expect(r.evidence.command).toMatch(/ … \[\d+ more characters\]$/);
    expect(r.evidence.source?.session?.length).toBeLessThanOrEqual(200);
    expect(r.evidence.files?.[0]?.length).toBeLessThanOrEqual(4000);
  } finally {
    await p.close();
  }
}, 60_000);
