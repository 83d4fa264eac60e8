/**
 * A race-suite writer: a separate process that uses GitStore directly, the way the CLI
 * does. The suite bundles this file with esbuild and spawns it with `node`.
 *
 *   node writer.mjs '<json WriterOptions>'     (cwd: anywhere inside the repository)
 *
 * Protocol on stdout, one line each, written only after the fact happened:
 *   LOC {"commonDir":…,"gitDir":…}        where discovery put the repository
 *   ROOT <id> <commit|noop> <attempts>     mode "root": the first-commit race
 *   ACK <id> <seq> <commit> <attempts>     mode "write": transact() resolved for <seq>
 *   ERR <id> <code> <message>              a transaction failed (exit code 3 = REF_LOCKED, 4 = REF_CONFLICT, 1 = other)
 *   DONE <id> <count>                      all writes finished and store.close() returned
 */
import { discoverRepository } from "../../src/store/git/discover.js";
import { GitStore } from "../../src/store/git-store.js";
import { raceRegistry, rootMutation, writeMutation } from "./registry.js";

export interface WriterOptions {
  id: string;
  mode: "root" | "write";
  /** Transactions to run in mode "write". */
  n?: number;
  /** Use the shared on-disk snapshot cache (GitStoreOptions.useDiskCache). */
  cache?: boolean;
  lockTimeoutMs?: number;
  maxAttempts?: number;
  /** Epoch ms: wait until then before the first transaction (a start barrier across processes). */
  startAt?: number;
  /** Random pause of up to this many ms between transactions. */
  pauseMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const say = (line: string) => process.stdout.write(`${line}\n`);

function exitCodeFor(code: string): number {
  if (code === "REF_LOCKED") return 3;
  if (code === "REF_CONFLICT") return 4;
  return 1;
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? "{}") as WriterOptions;
  const id = opts.id;
  const location = discoverRepository(process.cwd());
  say(`LOC ${JSON.stringify({ commonDir: location.commonDir, gitDir: location.gitDir })}`);
  const store = new GitStore({
    location,
    registry: raceRegistry(),
    useDiskCache: opts.cache ?? false,
    cacheKey: "race-v1",
    ...(opts.lockTimeoutMs !== undefined ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
  });
  // Correctness runs must not fail on liveness: allow many attempts, and report how many
  // each transaction needed (the suite compares that with Engine's default of 40).
  const transactOptions = { maxAttempts: opts.maxAttempts ?? 1000 };
  let done = 0;
  try {
    if (opts.startAt) await sleep(opts.startAt - Date.now());
    if (opts.mode === "root") {
      const r = await store.transact(rootMutation(id), transactOptions);
      say(`ROOT ${id} ${r.commit ?? "noop"} ${r.attempts}`);
    } else {
      const n = opts.n ?? 1;
      for (let seq = 0; seq < n; seq++) {
        const r = await store.transact(writeMutation(id, seq), transactOptions);
        say(`ACK ${id} ${seq} ${r.commit} ${r.attempts}`);
        done++;
        if (opts.pauseMs) await sleep(Math.random() * opts.pauseMs);
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code ?? "EXCEPTION";
    say(`ERR ${id} ${code} ${String((e as Error).message).replace(/\s+/g, " ")}`);
    process.exitCode = exitCodeFor(code);
  } finally {
    await store.close();
  }
  say(`DONE ${id} ${done}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
