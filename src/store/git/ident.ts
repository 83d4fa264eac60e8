import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface GitIdent {
  name: string;
  email: string;
}

/**
 * The committer git would use (`git var GIT_COMMITTER_IDENT`), answered in-process when the
 * answer is certain: from GIT_COMMITTER_NAME/EMAIL, or from committer.* and user.* in the
 * repository, global and system config files. Returns null whenever git could decide
 * differently (includes, config given through the environment, per-worktree config, values
 * git would trim or that need its fallbacks), and the caller asks git itself.
 */
export function committerFromConfig(commonDir: string, env: NodeJS.ProcessEnv): GitIdent | null {
  // Config that planref does not read the way git does: let git answer.
  for (const k of ["GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG"]) if (env[k] !== undefined) return null;
  const fromEnv = { name: env.GIT_COMMITTER_NAME, email: env.GIT_COMMITTER_EMAIL };
  let config: Map<string, string> | null = null;
  if (fromEnv.name === undefined || fromEnv.email === undefined) {
    const home = env.HOME ?? homedir();
    const files = [
      // Lowest precedence first: system, XDG, ~/.gitconfig, the repository.
      ...(isTruthy(env.GIT_CONFIG_NOSYSTEM) ? [] : ["/etc/gitconfig"]),
      join(env.XDG_CONFIG_HOME || join(home, ".config"), "git", "config"),
      join(home, ".gitconfig"),
      join(commonDir, "config"),
    ];
    config = new Map();
    for (const f of files) if (!readIdentConfig(f, config)) return null;
    if (config.get("extensions.worktreeconfig") !== undefined) return null;
  }
  const name = fromEnv.name ?? config?.get("committer.name") ?? config?.get("user.name");
  const email = fromEnv.email ?? config?.get("committer.email") ?? config?.get("user.email") ?? env.EMAIL;
  if (name === undefined || email === undefined || !clean(name) || !clean(email)) return null;
  return { name, email };
}

/** Git strips these from both ends of names and emails, and drops some inside: values with them are left to git. */
function clean(value: string): boolean {
  if (value === "" || /[<>\n]/.test(value)) return false;
  const crud = /[\x00-\x20.,:;"'\\<>]/;
  return !crud.test(value[0] as string) && !crud.test(value[value.length - 1] as string);
}

function isTruthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

/**
 * Adds user.*, committer.* and extensions.worktreeconfig from one config file to `out`
 * (later files override earlier ones, as in git). Returns false when the file holds
 * something this reader does not follow (includes, quoting, escapes, continuation lines),
 * true when it is read or absent.
 */
function readIdentConfig(file: string, out: Map<string, string>): boolean {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR";
  }
  let section = "";
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) {
      const m = /^\[\s*([A-Za-z0-9.-]+)\s*(?:"[^"]*"\s*)?\]\s*(.*)$/.exec(line);
      if (!m?.[1]) return false;
      section = line.includes('"') ? `${m[1].toLowerCase()}.<sub>` : m[1].toLowerCase();
      if (section === "include" || section.startsWith("includeif")) return false;
      line = m[2] ?? "";
      if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    }
    if (section !== "user" && section !== "committer" && section !== "extensions") continue;
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!m?.[1]) return false;
    const key = `${section}.${m[1].toLowerCase()}`;
    if (key !== "user.name" && key !== "user.email" && key !== "committer.name" && key !== "committer.email" && key !== "extensions.worktreeconfig") continue;
    if (m[2] === undefined) return false;
    const value = m[2].trim();
    // Comments, quotes, escapes and tabs change what git reads: leave those to git.
    if (/[#;"\\\t]/.test(value)) return false;
    out.set(key, value);
  }
  return true;
}
