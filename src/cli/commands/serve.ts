import { UsageError } from "../../errors.js";
import { startBoard } from "../../web/start.js";
import type { Handler } from "../program.js";

/** `planref serve`: runs the board until SIGINT or SIGTERM. */
const serve: Handler = async (globals, io, _args, opts) => {
  if (globals.json) {
    throw new UsageError("planref serve runs until stopped, so it has no single JSON result; --json does not apply", {
      hint: "Run it without --json; the first line of stdout is the board's address.",
    });
  }
  const board = await startBoard({
    cwd: globals.cwd,
    env: io.env,
    ...(globals.actor ? { actor: globals.actor } : {}),
    port: opts.port as number,
    allowWrites: opts.allowWrites === true,
    log: (line) => io.stderr(`planref serve: ${line}\n`),
  });
  io.stdout(`${board.url}\n`);
  io.stdout(
    board.token
      ? `writes allowed (review, release --force); the link carries the token, or send it as X-Planref-Token: ${board.token}\n`
      : "read-only; restart with --allow-writes to review and release from the page\n",
  );
  io.stdout("stop with Ctrl-C\n");
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await board.close();
  return { data: { url: board.url }, text: "board stopped" };
};

export default serve;
