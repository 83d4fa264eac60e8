import { readFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import type { Actor } from "../app/context.js";

/** user.name / user.email from the repository, XDG and global git config, read in-process. */
export function gitUser(commonDir: string, env: NodeJS.ProcessEnv): { name: string | null; email: string | null } {
  const home = env.HOME ?? homedir();
  const files = [
    join(commonDir, "config"),
    join(home, ".gitconfig"),
    join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "git", "config"),
  ];
  let name: string | null = env.GIT_AUTHOR_NAME ?? null;
  let email: string | null = env.GIT_AUTHOR_EMAIL ?? null;
  for (const f of files) {
    if (name && email) break;
    const user = readUserSection(f);
    name ??= user.name;
    email ??= user.email;
  }
  return { name, email };
}

function readUserSection(file: string): { name: string | null; email: string | null } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { name: null, email: null };
  }
  let inUser = false;
  const out: { name: string | null; email: string | null } = { name: null, email: null };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      inUser = /^\[\s*user\s*\]/i.test(line);
      continue;
    }
    if (!inUser) continue;
    const m = /^(name|email)\s*=\s*(.*)$/i.exec(line);
    if (m?.[1] && m[2] !== undefined) {
      const v = m[2].replace(/^"(.*)"$/, "$1").trim();
      if (m[1].toLowerCase() === "name") out.name = v;
      else out.email = v;
    }
  }
  return out;
}

export interface ActorInput {
  actor?: string;
  kind?: string;
}

/** --actor, else PLANREF_ACTOR, else the git user, else the OS user. */
export function resolveActor(input: ActorInput, commonDir: string, env: NodeJS.ProcessEnv): Actor {
  const user = gitUser(commonDir, env);
  const name = input.actor ?? env.PLANREF_ACTOR ?? user.name ?? userInfo().username;
  const email = env.PLANREF_ACTOR_EMAIL ?? (name === user.name && user.email ? user.email : `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}@planref.invalid`);
  const kind = input.kind ?? env.PLANREF_ACTOR_KIND ?? (env.CLAUDECODE || env.CODEX_SANDBOX ? "agent" : "human");
  return { name, email, kind };
}
