import { VERSION } from "../version.js";

// `--version` is answered before anything else loads: agents probe it often.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main, processIo } = await import("./main.js");
  process.exitCode = await main(argv, processIo());
}
