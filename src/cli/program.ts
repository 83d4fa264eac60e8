import { Command, InvalidArgumentError } from "commander";
import type { CliIo, CommandOutput, GlobalOptions } from "./io.js";

export type Handler = (globals: GlobalOptions, io: CliIo, args: unknown[], opts: Record<string, unknown>) => Promise<CommandOutput>;
type Loader = () => Promise<{ default: Handler }>;
export type Runner = (load: Loader, args: unknown[], opts: Record<string, unknown>, command: Command) => Promise<void>;

/** Commands where `--actor` after the command name filters by actor instead of naming who acts. */
export const ACTOR_FILTER_COMMANDS = new Set(["log"]);

/**
 * Declares every command and flag. Handlers are imported only when their command runs,
 * so `planref status` does not pay for parsing PRDs or serving a board.
 */
export function buildProgram(version: string, run: Runner, write?: { out: (s: string) => void; err: (s: string) => void }): Command {
  const program = new Command("planref");
  // Settings are copied into subcommands when they are declared, so they come first.
  program.exitOverride();
  if (write) {
    program.configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      outputError: () => {
        /* the caller renders errors once, in the envelope asked for */
      },
    });
  }
  program
    .description("Shared, trustworthy project state for AI coding agents and humans, on the git ref refs/plan/state.")
    .version(version, "-V, --version", "print the planref version")
    .option("--json", "print exactly one JSON document on stdout: {ok, data} or {ok, error}")
    .option("-C <path>", "run as if planref was started in <path>")
    .option("--actor <name>", "who is acting (default: $PLANREF_ACTOR, else the git user)")
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .configureHelp({ sortSubcommands: false });

  // The global flags are accepted after the command name too (`planref status --json`).
  const cmd = (name: string, description: string) => {
    const c = program.command(name).description(description).option("--json", "print exactly one JSON document on stdout").option("-C <path>", "run as if started in <path>");
    if (!ACTOR_FILTER_COMMANDS.has(name)) c.option("--actor <name>", "who is acting");
    return c;
  };
  const action = (load: Loader) =>
    function (this: Command, ...all: unknown[]) {
      const command = all[all.length - 1] as Command;
      const args = all.slice(0, -2);
      return run(load, args, command.opts(), command);
    };

  cmd("init", "create the state ref refs/plan/state (idempotent)")
    .option("--name <name>", "project name (default: the repository directory name)")
    .action(action(() => import("./commands/init.js")));

  cmd("status", "project summary: documents, tasks, live claims, what is ready").action(action(() => import("./commands/status.js")));

  cmd("log", "the audit trail, from commit trailers on refs/plan/state")
    .option("--task <id>", "only operations on this task")
    .option("--actor <name>", "only operations by this actor (after the command name; before it, --actor sets who is acting)")
    .option("--op <op>", "only this operation (init, claim, heartbeat, ...)")
    .option("--limit <n>", "at most n entries", parseCount)
    .action(action(() => import("./commands/log.js")));

  cmd("doctor", "health: git version, stale locks, invalid documents, refspecs, loose objects")
    .option("--break-lock", "remove a lock on the state ref older than 30 s")
    .action(action(() => import("./commands/doctor.js")));

  return program;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}
