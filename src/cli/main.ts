import { resolve } from "node:path";
import { CommanderError } from "commander";
import { type PlanrefError, toPlanrefError, UsageError } from "../errors.js";
import { VERSION } from "../version.js";
import type { CliIo, GlobalOptions } from "./io.js";
import { ACTOR_FILTER_COMMANDS, buildProgram } from "./program.js";
import { renderError, renderSuccess } from "./render.js";

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdin.isTTY),
  };
}

/** Runs one planref command line; the single place where results and errors become output and an exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  // Known before parsing, so that even a usage error comes out as the JSON envelope.
  const json = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length).includes("--json");
  let exitCode = 0;
  const program = buildProgram(VERSION, async (load, args, opts, command) => {
    const g = program.opts() as { C?: string; actor?: string };
    const local = opts as { C?: string; actor?: string };
    const actor = ACTOR_FILTER_COMMANDS.has(command.name()) ? g.actor : (local.actor ?? g.actor);
    const globals: GlobalOptions = { json, cwd: resolve(io.cwd, local.C ?? g.C ?? "."), ...(actor ? { actor } : {}) };
    const handler = await load();
    const out = await handler(globals, io, args, opts);
    renderSuccess(io, json, out);
    exitCode = out.exitCode ?? 0;
  }, { out: io.stdout, err: io.stderr });
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    let err: PlanrefError;
    if (e instanceof CommanderError) {
      if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(e.code)) return 0;
      err = new UsageError(e.message.replace(/^error: /, ""), {
        hint: 'Run "planref --help" or "planref <command> --help".',
        data: { commanderCode: e.code },
      });
    } else {
      err = toPlanrefError(e);
    }
    renderError(io, json, err);
    return err.exitCode;
  }
}
