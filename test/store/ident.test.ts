import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { committerFromConfig } from "../../src/store/git/ident.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

/** What `git var GIT_COMMITTER_IDENT` says, without the date; null when git refuses. */
function gitSays(commonDir: string, env: NodeJS.ProcessEnv): { name: string; email: string } | null {
  try {
    const out = execFileSync("git", ["var", "GIT_COMMITTER_IDENT"], { cwd: commonDir, env: { ...env, GIT_DIR: commonDir }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const m = /^(.*) <(.*)> \d+ [+-]\d{4}$/.exec(out.trim());
    return m ? { name: m[1] as string, email: m[2] as string } : null;
  } catch {
    return null;
  }
}

describe("the committer read in-process", () => {
  const cases: Array<[string, { env?: NodeJS.ProcessEnv; global?: string; local?: string; xdg?: string }]> = [
    ["environment only", { env: { GIT_COMMITTER_NAME: "Env Name", GIT_COMMITTER_EMAIL: "env@example.com" } }],
    ["user.* in the global config", { global: "[user]\n\tname = Global Name\n\temail = global@example.com\n" }],
    ["local overrides global", { global: "[user]\n\tname = Global\n\temail = g@example.com\n", local: "[User]\n\tName = Local Person\n[user]\n\temail=local@example.com\n" }],
    ["committer.* beats user.* at any level", { global: "[committer]\n\tname = Committer Global\n", local: "[user]\n\tname = Local\n\temail = l@example.com\n" }],
    ["XDG below ~/.gitconfig", { xdg: "[user]\n\tname = Xdg\n\temail = xdg@example.com\n", global: "[user]\n\tname = Home\n" }],
    ["header and key on one line", { global: "[user] name = One Line\n[user]\temail = one@example.com\n" }],
    ["subsection is not user.name", { global: '[user "x"]\n\tname = Sub\n[user]\n\tname = Real\n\temail = r@example.com\n' }],
    ["quoted value: git decides", { global: '[user]\n\tname = "Quoted  Name"\n\temail = q@example.com\n' }],
    ["comment after value: git decides", { global: "[user]\n\tname = Commented # yes\n\temail = c@example.com\n" }],
    ["trailing dot: git decides", { global: "[user]\n\tname = Jr.\n\temail = d@example.com\n" }],
    ["include: git decides", { global: "[include]\n\tpath = other\n[user]\n\tname = Inc\n\temail = i@example.com\n" }],
    ["email from EMAIL", { env: { EMAIL: "mail@example.com" }, global: "[user]\n\tname = Mail\n" }],
    ["environment name, config email", { env: { GIT_COMMITTER_NAME: "Env Only" }, global: "[user]\n\tname = X\n\temail = cfg@example.com\n" }],
    ["config through the environment: git decides", { env: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.name", GIT_CONFIG_VALUE_0: "Param" }, global: "[user]\n\tname = X\n\temail = x@example.com\n" }],
  ];

  it.each(cases)("%s: agrees with git var, or leaves it to git", (name, c) => {
    const repo = makeRepo();
    const home = join(repo.dir, "..", "home-ident");
    mkdirSync(join(home, ".config", "git"), { recursive: true });
    writeFileSync(join(home, ".gitconfig"), c.global ?? "");
    if (c.xdg) writeFileSync(join(home, ".config", "git", "config"), c.xdg);
    const commonDir = join(repo.dir, ".git");
    if (c.local) writeFileSync(join(commonDir, "config"), `[core]\n\trepositoryformatversion = 0\n\tbare = false\n${c.local}`);
    const env: NodeJS.ProcessEnv = { ...repo.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), ...(c.env ?? {}) };
    delete env.GIT_COMMITTER_NAME;
    delete env.GIT_COMMITTER_EMAIL;
    delete env.GIT_AUTHOR_NAME;
    delete env.GIT_AUTHOR_EMAIL;
    if (!c.env?.EMAIL) delete env.EMAIL;
    Object.assign(env, c.env ?? {});
    const ours = committerFromConfig(commonDir, env);
    if (ours) expect(ours).toEqual(gitSays(commonDir, env));
    // Plain values must be answered in-process: that is the point.
    const plain = !/git decides/.test(name);
    expect(ours !== null).toBe(plain);
  });
});
