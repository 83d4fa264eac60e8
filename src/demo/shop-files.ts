/**
 * The small project the demo's agents work on: a shop whose invoices need exporting, with
 * the acceptance tests of fixtures/prd/invoice-export.md written up front. `npm test -- csv`
 * (T001's verification command) runs test/export/csv.test.ts, which fails until the task's
 * code exists and is right. The TypeScript carries no type annotations, so Node runs it
 * through a five-line loader and the demo needs no npm install.
 */
export const SHOP_FILES: Record<string, string> = {
  "README.md": `# shop

Invoices, and (soon) their export as CSV and PDF: see the invoice-export PRD.
Run the tests of one area with \`npm test -- <name>\`, e.g. \`npm test -- csv\`.
`,
  "package.json": `${JSON.stringify(
    {
      name: "shop",
      private: true,
      type: "module",
      scripts: { test: "node --no-warnings --experimental-loader ./scripts/ts-loader.mjs scripts/test.mjs" },
    },
    null,
    2,
  )}\n`,
  "scripts/ts-loader.mjs": `// The shop's TypeScript has no type annotations, so Node can load it as JavaScript.
import { readFile } from "node:fs/promises";

export async function load(url, context, next) {
  if (url.endsWith(".ts")) return { format: "module", source: await readFile(new URL(url), "utf8"), shortCircuit: true };
  return next(url, context);
}
`,
  "scripts/test.mjs": `// npm test -- <name>...: runs test/**/<name>.test.ts for each name, or every test without names.
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

const names = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path);
    else if (path.endsWith(".test.ts")) files.push(path);
  }
};
walk("test");
const chosen = files.filter((f) => names.length === 0 || names.includes(basename(f, ".test.ts"))).sort();
if (chosen.length === 0) {
  console.error(\`no test file is named \${names.join(" or ")}\`);
  process.exit(1);
}
for (const f of chosen) await import(pathToFileURL(f).href);
`,
  "src/invoices/sample.ts": `/** Invoices of two customers, shared by the exporters and their tests. */
export const invoices = [
  { id: "INV-1001", customer: "acme", issued: "2026-03-02", lines: [{ item: "Widget", quantity: 3, unitPrice: 19.9 }, { item: "Setup", quantity: 1, unitPrice: 120 }] },
  { id: "INV-1002", customer: "acme", issued: "2026-03-17", lines: [{ item: "Support hours", quantity: 2.5, unitPrice: 80 }] },
  { id: "INV-2001", customer: "globex", issued: "2026-03-05", lines: [{ item: "Widget", quantity: 10, unitPrice: 18.5 }] },
];

/** @param {string} id */
export function findInvoice(id) {
  return invoices.find((i) => i.id === id);
}
`,
  "src/jobs/queue.ts": `/** An in-memory job queue: enough for one process. */
export function createQueue() {
  const jobs = new Map();
  let last = 0;
  return {
    /** @param {(report: (progress: number) => void) => Promise<unknown>} run */
    add(run) {
      const job = { id: \`job-\${++last}\`, state: "queued", progress: 0, result: null };
      jobs.set(job.id, job);
      queueMicrotask(async () => {
        job.state = "running";
        job.result = await run((p) => (job.progress = p));
        job.state = "done";
      });
      return job;
    },
    /** @param {string} id */
    get(id) {
      return jobs.get(id);
    },
  };
}
`,
  "test/export/csv.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { toCsv } from "../../src/export/csv.ts";
import { invoices } from "../../src/invoices/sample.ts";

test("one row per invoice line, under the accounting import header", () => {
  const rows = toCsv(invoices[0]).trimEnd().split("\\n");
  assert.equal(rows[0], "invoice,date,item,quantity,unit_price,amount");
  assert.equal(rows.length, 3);
  assert.match(rows[1], /^INV-1001,2026-03-02,Widget,3,/);
});
`,
  "test/export/pdf.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { toPdf } from "../../src/export/pdf.ts";
import { invoices } from "../../src/invoices/sample.ts";

test("a PDF document that names the invoice", () => {
  const pdf = toPdf(invoices[0]);
  assert.equal(pdf.subarray(0, 8).toString("latin1"), "%PDF-1.4");
  assert.ok(pdf.toString("latin1").includes("INV-1001"));
  assert.ok(pdf.toString("latin1").trimEnd().endsWith("%%EOF"));
});

test("the same invoice always renders the same bytes", async () => {
  const first = toPdf(invoices[0]);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(toPdf(invoices[0]), first);
});
`,
  "test/http/invoices.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { exportInvoice } from "../../src/http/routes/invoices.ts";

const get = (customer, id, format) => exportInvoice({ customer, params: { id }, query: { format } });

test("GET /invoices/:id/export returns the file with its content type", () => {
  assert.equal(get("acme", "INV-1001", "csv").headers["content-type"], "text/csv; charset=utf-8");
  assert.equal(get("acme", "INV-1001", "pdf").headers["content-type"], "application/pdf");
});

test("another customer's invoice is a 404", () => {
  assert.equal(get("globex", "INV-1001", "csv").status, 404);
  assert.equal(get("acme", "INV-9999", "csv").status, 404);
});
`,
  "test/export/batch.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { archiveName, batchEntries } from "../../src/export/batch.ts";
import { invoices } from "../../src/invoices/sample.ts";

test("one archive per customer and month, one CSV and one PDF per invoice", () => {
  const entries = [...batchEntries(invoices, "acme", "2026-03")];
  assert.deepEqual(entries.map((e) => e.name), ["INV-1001.csv", "INV-1001.pdf", "INV-1002.csv", "INV-1002.pdf"]);
  assert.equal(archiveName("acme", "2026-03"), "acme-2026-03.zip");
});
`,
  "test/jobs/batch-export.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { createBatch, getBatch } from "../../src/http/routes/batches.ts";
import { invoices } from "../../src/invoices/sample.ts";
import { createQueue } from "../../src/jobs/queue.ts";

test("POST /batches creates a job; GET /batches/:id reports progress and the download link", async () => {
  const deps = { queue: createQueue(), invoices };
  const created = createBatch({ customer: "acme", body: { month: "2026-03" } }, deps);
  assert.equal(created.status, 202);
  await new Promise((r) => setTimeout(r, 5));
  const job = getBatch({ customer: "acme", params: { id: created.body.id } }, deps);
  assert.deepEqual(job.body, { state: "done", progress: 1, download: \`/batches/\${created.body.id}/acme-2026-03.zip\` });
});
`,
};
