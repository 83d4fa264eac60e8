import { VERSION } from "../version.js";

// A reader that stops early (`planref log | head`) is not an error: stop quietly, as git does.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

// `--version` is answered before anything else loads: agents probe it often.
const argv = process.argv.slice(2);
const mcpOpts = argv[0] === "mcp" ? mcpOptions(argv.slice(1)) : null;
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${VERSION}\n`);
} else if (argv[0] === "hook" && argv.length === 3) {
  // Hooks run on every tool use: skip the command table and read the payload directly.
  const { runHook } = await import("../hooks/main.js");
  const chunks: Buffer[] = [];
  if (!process.stdin.isTTY) for await (const c of process.stdin) chunks.push(c as Buffer);
  process.exitCode = await runHook(argv[1] as string, argv[2] as string, {
    stdin: Buffer.concat(chunks).toString("utf8"),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  });
} else if (mcpOpts) {
  // Clients start `planref mcp` for every agent session and wait for it: skip the command table.
  const opts = mcpOpts;
  const [{ default: mcp }, { renderError, renderSuccess }, { toPlanrefError }, { resolve }] = await Promise.all([
    import("./commands/mcp.js"),
    import("./render.js"),
    import("../errors.js"),
    import("node:path"),
  ]);
  const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t), env: process.env, cwd: process.cwd(), isTTY: Boolean(process.stdin.isTTY) };
  const globals = { json: false, cwd: resolve(io.cwd, typeof opts.C === "string" ? opts.C : "."), ...(typeof opts.actor === "string" ? { actor: opts.actor } : {}) };
  try {
    const out = await mcp(globals, io, [], opts);
    renderSuccess(io, false, out);
    process.exitCode = out.exitCode ?? 0;
  } catch (e) {
    const err = toPlanrefError(e);
    renderError(io, false, err);
    process.exitCode = err.exitCode;
  }
} else {
  const { main, processIo } = await import("./main.js");
  process.exitCode = await main(argv, processIo());
}

/**
 * `planref mcp`'s own flags as commander would parse them, or null for anything else (help,
 * --json, flags before the command, unusual spellings): those take the full command line.
 */
function mcpOptions(args: string[]): Record<string, string | true> | null {
  const valued: Record<string, string> = { "--tools": "tools", "-C": "C", "--actor": "actor" };
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const key = valued[a];
    if (a === "--all-tools") opts.allTools = true;
    else if (key && i + 1 < args.length && !(args[i + 1] as string).startsWith("-")) opts[key] = args[++i] as string;
    else return null;
  }
  return opts;
}
