import { unlinkSync } from "node:fs";
import { join } from "node:path";
import { checkGitVersion, gitText } from "./run.js";
import { lockAgeMs, STALE_LOCK_MS } from "./refs.js";

/** Plain git facts about a repository, for health reports; no planref rules here. */
export class GitHealth {
  constructor(
    readonly commonDir: string,
    private readonly ref: string,
  ) {}

  gitVersion(): Promise<string> {
    return checkGitVersion(this.commonDir);
  }

  private get lockPath(): string {
    return join(this.commonDir, `${this.ref}.lock`);
  }

  lock(): { path: string; ageMs: number } | null {
    const age = lockAgeMs(this.lockPath);
    return age === null ? null : { path: this.lockPath, ageMs: age };
  }

  /** Removes the ref lock only if it is still older than the stale threshold. */
  breakLock(): boolean {
    const age = lockAgeMs(this.lockPath);
    if (age === null || age <= STALE_LOCK_MS) return false;
    try {
      unlinkSync(this.lockPath);
      return true;
    } catch {
      return false;
    }
  }

  async looseObjects(): Promise<{ count: number; sizeKiB: number }> {
    const text = await gitText(["count-objects", "-v"], { cwd: this.commonDir, env: { ...process.env, GIT_DIR: this.commonDir }, readOnly: true });
    const get = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, "m").exec(text)?.[1] ?? 0);
    return { count: get("count"), sizeKiB: get("size") };
  }

  async remotes(): Promise<Array<{ name: string; url: string; fetch: string[] }>> {
    const text = await gitText(["config", "--get-regexp", "^remote\\..*\\.(url|fetch)$"], {
      cwd: this.commonDir,
      env: { ...process.env, GIT_DIR: this.commonDir },
      allowFailure: true,
      readOnly: true,
    });
    const remotes = new Map<string, { name: string; url: string; fetch: string[] }>();
    for (const line of text.split("\n")) {
      const m = /^remote\.(.+)\.(url|fetch) (.*)$/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      const r = remotes.get(m[1]) ?? { name: m[1], url: "", fetch: [] };
      if (m[2] === "url") r.url = m[3] ?? "";
      else r.fetch.push(m[3] ?? "");
      remotes.set(m[1], r);
    }
    return [...remotes.values()];
  }
}
