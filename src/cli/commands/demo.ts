import { resolve } from "node:path";
import { runDemo } from "../../demo/run-demo.js";
import { renderSummary } from "../../demo/summary.js";
import type { Handler } from "../program.js";

/** `planref demo`: tells the story live on stdout, then the summary; with --json, one document at the end. */
const demo: Handler = async (globals, io, _args, opts) => {
  const { report, logText } = await runDemo({
    fast: opts.fast === true,
    env: io.env,
    ...(typeof opts.dir === "string" ? { dir: resolve(globals.cwd, opts.dir) } : {}),
    ...(globals.actor ? { reviewer: globals.actor } : {}),
    ...(globals.json ? {} : { print: (line: string) => io.stdout(`${line}\n`), logText: true }),
  });
  return { data: report, text: renderSummary(report, logText ?? "") };
};

export default demo;
