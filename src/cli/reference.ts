import type { Command } from "commander";
import { ERROR_CATALOG, EXIT_CODES } from "../errors.js";
import { VERSION } from "../version.js";
import { buildProgram } from "./program.js";

/** docs/cli.md, generated from the same command definitions the binary parses. */
export function renderCliReference(): string {
  const program = buildProgram(VERSION, async () => {});
  const lines = [
    "# planref command line",
    "",
    "Generated from the command definitions (`npm run docs`); a test fails when this file is out of date.",
    "",
    "## Global options",
    "",
    ...optionRows(program),
    "",
    "Every command prints exactly one JSON document on stdout with `--json`: `{\"ok\":true,\"data\":…}` or",
    "`{\"ok\":false,\"error\":{\"code\",\"message\",\"hint\",\"details\"}}`. Human text and warnings go to stderr or stdout",
    "without it. No command prompts. Exit codes are listed in [errors.md](errors.md).",
    "",
  ];
  const walk = (cmd: Command, prefix: string) => {
    for (const sub of cmd.commands) {
      const name = `${prefix}${sub.name()}`;
      lines.push(`## planref ${name}`, "", sub.description(), "", "```", `planref ${name} ${sub.usage()}`.trimEnd(), "```", "");
      const rows = optionRows(sub, true);
      if (rows.length > 2) lines.push(...rows, "");
      walk(sub, `${name} `);
    }
  };
  walk(program, "");
  return `${lines.join("\n").trimEnd()}\n`;
}

const GLOBAL_FLAGS = new Set(["--json", "-C <path>"]);

function optionRows(cmd: Command, skipGlobals = false): string[] {
  const opts = cmd.options.filter((o) => !o.hidden && !(skipGlobals && (GLOBAL_FLAGS.has(o.flags) || (o.flags === "--actor <name>" && o.description === "who is acting"))));
  if (opts.length === 0) return [];
  return ["| option | meaning |", "| --- | --- |", ...opts.map((o) => `| \`${o.flags}\` | ${o.description.replace(/\|/g, "\\|")} |`)];
}

/** docs/errors.md, generated from ERROR_CATALOG. */
export function renderErrorReference(): string {
  const lines = [
    "# planref errors",
    "",
    "Generated from `src/errors.ts` (`npm run docs`); a test fails when this file is out of date.",
    "",
    "Every error has a stable `code`, a `message`, usually a `hint` (the next step) and `details`.",
    "With `--json` it is printed as `{\"ok\":false,\"error\":{…}}`; MCP tools and hooks report the same codes.",
    "",
    "## Exit codes",
    "",
    "| exit | meaning |",
    "| --- | --- |",
    ...Object.entries(EXIT_CODES).map(([k, v]) => `| ${v} | ${k} |`),
    "",
    "## Codes",
    "",
    "| code | exit | meaning |",
    "| --- | --- | --- |",
    ...Object.entries(ERROR_CATALOG).map(([code, e]) => `| \`${code}\` | ${EXIT_CODES[e.exit]} (${e.exit}) | ${e.summary} |`),
  ];
  return `${lines.join("\n")}\n`;
}
