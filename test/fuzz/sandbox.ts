/**
 * Runs one exported function of a source module in a worker thread, so that a hang on one
 * input is a test failure naming that input instead of a frozen test run: the worker is
 * terminated after the time box and a fresh one takes the next input. The module is bundled
 * with esbuild once per run (the PRD parser and the YAML reader need no test runner).
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { build } from "esbuild";

export type Outcome<R> =
  | { value: R; ms: number }
  | { thrown: { name: string; message: string; code?: string; data?: unknown; stack: string }; ms: number };

const bundles = new Map<string, Promise<string>>();

function workerCode(modulePath: string, exportName: string): Promise<string> {
  const key = `${modulePath}#${exportName}`;
  let code = bundles.get(key);
  if (!code) {
    const source = `
      import { parentPort } from "node:worker_threads";
      import { ${exportName} as run } from ${JSON.stringify(modulePath)};
      parentPort.on("message", ({ id, args }) => {
        const start = performance.now();
        try {
          const value = run(...args);
          parentPort.postMessage({ id, value, ms: performance.now() - start });
        } catch (e) {
          const thrown = { name: e?.name, message: String(e?.message ?? e), code: e?.code, data: e?.data, stack: String(e?.stack ?? "") };
          parentPort.postMessage({ id, thrown, ms: performance.now() - start });
        }
      });`;
    code = build({
      stdin: { contents: source, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "ts" },
      bundle: true,
      write: false,
      format: "cjs",
      platform: "node",
      target: "node20",
      logLevel: "silent",
    }).then((r) => (r.outputFiles[0] as { text: string }).text);
    bundles.set(key, code);
  }
  return code;
}

export class Sandbox<A extends unknown[], R> {
  #worker: Worker | null = null;
  #next = 0;
  readonly #module: string;

  /** `modulePath` relative to this folder, e.g. "../../src/domain/prd/index.ts". */
  constructor(
    modulePath: string,
    private readonly exportName: string,
    private readonly timeoutMs: number,
  ) {
    this.#module = fileURLToPath(new URL(modulePath, import.meta.url));
  }

  async run(...args: A): Promise<Outcome<R>> {
    const code = await workerCode(this.#module, this.exportName);
    // A worker's stack is 4 MB by default; the main thread's, where planref runs this code, is about 1 MB.
    const worker = (this.#worker ??= new Worker(code, { eval: true, resourceLimits: { stackSizeMb: 1 } }));
    const id = this.#next++;
    return new Promise<Outcome<R>>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        // Code stuck in a loop never reads its next message: replace the worker.
        void worker.terminate();
        if (this.#worker === worker) this.#worker = null;
        reject(new Error(`${this.exportName} did not return within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const onMessage = (m: Outcome<R> & { id: number }) => {
        if (m.id !== id) return;
        cleanup();
        resolve(m);
      };
      const onError = (e: Error) => {
        cleanup();
        if (this.#worker === worker) this.#worker = null;
        reject(new Error(`the ${this.exportName} worker died: ${e.message}`));
      };
      const onExit = (code: number) => onError(new Error(`exit code ${code}`));
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, args });
    });
  }

  async close(): Promise<void> {
    await this.#worker?.terminate();
    this.#worker = null;
  }
}
