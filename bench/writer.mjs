// One of the concurrent writers: opens the repository with GitStore (bundled from src), loads
// the state, says "ready", waits for "go" on stdin, then makes `count` transactions, each
// appending one line to its own task document. Prints one JSON line with its numbers
// (latencies include CAS retries and back-off).
//
//   node bench/writer.mjs <internals.mjs> <repo> <writer-index> <count>
import { importFile } from "./support.mjs";

const [internals, repo, indexText, countText] = process.argv.slice(2);
const index = Number(indexText);
const count = Number(countText);
const lib = await importFile(internals);
const store = new lib.GitStore({
  location: lib.discoverRepository(repo, process.env),
  registry: lib.createRegistry(),
  cacheKey: lib.SCHEMA_KEY,
  useDiskCache: false,
});
const id = `bench.w${index}`;
const path = lib.taskPath(id);
const actor = `writer-${index}`;
await store.snapshot();
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));

const started = performance.now();
let attempts = 0;
const latencies = [];
// A write the engine refuses (REF_CONFLICT after its retries, a lock timeout) is counted, not
// fatal: the parent then reports it, and the final count check fails.
let refused = 0;
const errors = [];
for (let i = 0; i < count; i++) {
  const t0 = performance.now();
  const res = await store.transact((snap) => {
    const doc = snap.get(path);
    if (!doc) throw new Error(`${path} is missing`);
    const now = new Date();
    return {
      changes: [{ path, value: { ...doc, acceptanceCriteria: [...doc.acceptanceCriteria, `write ${index}-${i}`], updatedAt: now.toISOString() } }],
      commit: {
        subject: `heartbeat ${id} (${i})`,
        trailers: [
          ["Planref-Op", "heartbeat"],
          ["Planref-Actor", actor],
          ["Planref-Task", id],
        ],
        author: { name: actor, email: `${actor}@planref.invalid` },
        time: now,
      },
      result: null,
    };
  }).catch((e) => {
    refused++;
    if (errors.length < 3) errors.push(`${e.code ?? e.name}: ${e.message}`);
    return null;
  });
  if (res) attempts += res.attempts;
  latencies.push(performance.now() - t0);
}
const ms = performance.now() - started;
await store.close();
process.stdout.write(`${JSON.stringify({ index, count, attempts, refused, errors, ms, latencies })}\n`);
