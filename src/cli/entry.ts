import { VERSION } from "../version.js";

// A reader that stops early (`planref log | head`) is not an error: stop quietly, as git does.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

// `--version` is answered before anything else loads: agents probe it often.
const argv = process.argv.slice(2);
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
} else {
  const { main, processIo } = await import("./main.js");
  process.exitCode = await main(argv, processIo());
}
