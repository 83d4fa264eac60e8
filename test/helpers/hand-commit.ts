import { execFileSync } from "node:child_process";
import type { TempRepo } from "./git-repo.js";

/**
 * Publishes a commit made with native git plumbing only, as a person or another tool
 * would: the tip's tree with `files` replaced (null removes a file).
 */
export function handCommit(repo: TempRepo, files: Record<string, string | null>, message = "hand-made"): string {
  const git = (args: string[], input?: string) =>
    execFileSync("git", args, { cwd: repo.dir, env: { ...repo.env, GIT_INDEX_FILE: `${repo.dir}/.git/planref-test-index` }, encoding: "utf8", input }).trim();
  const tip = git(["rev-parse", "--verify", "-q", "refs/plan/state"]);
  git(["read-tree", "--empty"]);
  git(["read-tree", tip]);
  for (const [path, content] of Object.entries(files)) {
    if (content === null) git(["rm", "--cached", "-q", path]);
    else {
      const blob = git(["hash-object", "-w", "--stdin"], content);
      git(["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`]);
    }
  }
  const tree = git(["write-tree"]);
  const commit = git(["commit-tree", tree, "-p", tip, "-m", message]);
  git(["update-ref", "refs/plan/state", commit, tip]);
  return commit;
}
