import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { NotFoundError, UnsupportedRepositoryError } from "../../errors.js";

export interface RepoLocation {
  /** The per-worktree git directory (HEAD, index). */
  gitDir: string;
  /** Where refs, objects and everything shared live; all planref state goes here. */
  commonDir: string;
  /** Top of the checkout, or null for a bare repository. */
  workTree: string | null;
  bare: boolean;
}

/**
 * Finds the repository the way git does, in-process (a `git rev-parse` spawn costs 2-4 ms
 * on every agent tool call): GIT_DIR/GIT_COMMON_DIR first, then walking up looking for a
 * `.git` directory or a `.git` file (linked worktrees, submodules), or a bare repository.
 */
export function discoverRepository(cwd: string, env: NodeJS.ProcessEnv = process.env): RepoLocation {
  const start = resolve(cwd);
  let found: { gitDir: string; workTree: string | null } | null = null;

  if (env.GIT_DIR) {
    const gitDir = resolve(start, env.GIT_DIR);
    if (!looksLikeGitDir(gitDir)) {
      throw new NotFoundError("NOT_A_REPOSITORY", `GIT_DIR points at ${gitDir}, which is not a git directory`, {
        hint: "Unset GIT_DIR or point it at a repository's .git directory.",
        data: { gitDir },
      });
    }
    const bare = readBareFlag(gitDir);
    found = { gitDir, workTree: env.GIT_WORK_TREE ? resolve(start, env.GIT_WORK_TREE) : bare ? null : start };
  } else {
    found = walkUp(start);
  }
  if (!found) {
    throw new NotFoundError("NOT_A_REPOSITORY", `not a git repository (or any parent up to /): ${start}`, {
      hint: "Run planref inside a git repository, or pass -C <path> (git init creates one).",
      data: { cwd: start },
    });
  }

  const commonDir = env.GIT_COMMON_DIR ? resolve(start, env.GIT_COMMON_DIR) : readCommonDir(found.gitDir);
  checkFormat(commonDir);
  return { gitDir: found.gitDir, commonDir, workTree: found.workTree, bare: found.workTree === null };
}

function walkUp(start: string): { gitDir: string; workTree: string | null } | null {
  let dir = start;
  for (;;) {
    const dotGit = join(dir, ".git");
    const st = statOrNull(dotGit);
    if (st?.isDirectory() && looksLikeGitDir(dotGit)) return { gitDir: dotGit, workTree: dir };
    if (st?.isFile()) {
      const target = parseGitFile(dotGit);
      if (target && looksLikeGitDir(target)) return { gitDir: target, workTree: dir };
    }
    if (looksLikeGitDir(dir)) {
      // A bare repository, or a start inside some .git directory: git runs without a work tree there too.
      return { gitDir: dir, workTree: null };
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function parseGitFile(file: string): string | null {
  const text = readFileSync(file, "utf8");
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m?.[1]) return null;
  return isAbsolute(m[1]) ? m[1] : resolve(dirname(file), m[1]);
}

function readCommonDir(gitDir: string): string {
  const file = join(gitDir, "commondir");
  if (!existsSync(file)) return gitDir;
  const rel = readFileSync(file, "utf8").trim();
  return isAbsolute(rel) ? rel : resolve(gitDir, rel);
}

function looksLikeGitDir(dir: string): boolean {
  if (!statOrNull(join(dir, "HEAD"))?.isFile()) return false;
  const common = existsSync(join(dir, "commondir")) ? readCommonDir(dir) : dir;
  return Boolean(statOrNull(join(common, "objects"))?.isDirectory() && statOrNull(join(common, "refs"))?.isDirectory());
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function readBareFlag(gitDir: string): boolean {
  return readConfigValue(readCommonDir(gitDir), "core", "bare") === "true";
}

function checkFormat(commonDir: string): void {
  const objectFormat = readConfigValue(commonDir, "extensions", "objectformat");
  if (objectFormat && objectFormat.toLowerCase() !== "sha1") {
    throw new UnsupportedRepositoryError(`this repository uses ${objectFormat} object ids; planref supports SHA-1 repositories`, {
      hint: "Use planref in a SHA-1 repository (git's default).",
      data: { commonDir, objectFormat },
    });
  }
  const refStorage = readConfigValue(commonDir, "extensions", "refstorage");
  if (refStorage && refStorage.toLowerCase() !== "files") {
    throw new UnsupportedRepositoryError(`this repository stores refs in "${refStorage}"; planref needs the files ref backend`, {
      hint: "planref implements git's file-based ref lock protocol; reftable repositories are not supported yet.",
      data: { commonDir, refStorage },
    });
  }
}

/** Reads `[section] key = value` from a repository's config; enough for the few flags planref checks. */
export function readConfigValue(commonDir: string, section: string, key: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(commonDir, "config"), "utf8");
  } catch {
    return null;
  }
  let current = "";
  let value: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      const m = /^\[\s*([^\s\]"]+)/.exec(line);
      current = (m?.[1] ?? "").toLowerCase();
      if (line.includes('"')) current += ".sub";
      continue;
    }
    if (current !== section.toLowerCase() || line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const m = /^([A-Za-z0-9-]+)\s*(?:=\s*(.*))?$/.exec(line);
    if (m?.[1] && m[1].toLowerCase() === key.toLowerCase()) value = (m[2] ?? "true").replace(/\s*[#;].*$/, "").trim();
  }
  return value;
}
