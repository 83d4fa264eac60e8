/**
 * What the demo's agents write for each task of the invoice-export PRD, and the two twists
 * of the story: the agent that first takes T002 dies with its renderer half written, and
 * the reviewer sends T001 back because its amounts are not two-decimal.
 */
export interface TaskWork {
  /** Whole files, written with Claude Code's Write tool. */
  writes: Record<string, string>;
  commitMessage: string;
  summary: string;
}

/** A string replacement, as Claude Code's Edit tool (one) or MultiEdit tool (several) sends it. */
export interface Edit {
  file: string;
  replacements: Array<{ oldString: string; newString: string }>;
}

export interface ChangesRequested {
  task: string;
  note: string;
  edits: Edit[];
  commitMessage: string;
  summary: string;
}

export interface CrashedAttempt {
  task: string;
  writes: Record<string, string>;
  /** The Bash command it ran last: the test run that failed before it went silent. */
  command: string;
}

const CSV_HEADER_LINE = 'const HEADER = "invoice,date,item,quantity,unit_price,amount";\n';

const MINIMAL_PDF = `// Fixed, so that the same invoice always renders the same bytes.
const CREATED = "D:20260101000000Z";

const escape = (text) => text.replace(/[()\\\\]/g, "\\\\$&");

/** Renders an invoice as a one-page PDF (Helvetica, no external library). */
export function toPdf(invoice) {
  const text = [\`Invoice \${invoice.id}\`, \`Date \${invoice.issued}\`, ...invoice.lines.map((l) => \`\${l.item}  \${l.quantity} x \${l.unitPrice.toFixed(2)}\`)];
  const content = \`BT /F1 11 Tf 50 780 Td 14 TL \${text.map((t) => \`(\${escape(t)}) '\`).join(" ")} ET\`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    \`<< /Length \${content.length} >>\\nstream\\n\${content}\\nendstream\`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    \`<< /Title (\${escape(invoice.id)}) /CreationDate (\${CREATED}) >>\`,
  ];
  let out = "%PDF-1.4\\n";
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += \`\${i + 1} 0 obj\\n\${body}\\nendobj\\n\`;
    return at;
  });
  const xref = out.length;
  out += \`xref\\n0 \${objects.length + 1}\\n0000000000 65535 f \\n\${offsets.map((o) => \`\${String(o).padStart(10, "0")} 00000 n \\n\`).join("")}\`;
  out += \`trailer\\n<< /Size \${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\\nstartxref\\n\${xref}\\n%%EOF\\n\`;
  return Buffer.from(out, "latin1");
}
`;

export const TASK_WORK: Record<string, TaskWork> = {
  T001: {
    writes: {
      "src/export/csv.ts": `${CSV_HEADER_LINE}
/** One CSV row per invoice line, under the header the accounting import expects. */
export function toCsv(invoice) {
  const rows = invoice.lines.map((l) => [invoice.id, invoice.issued, l.item, l.quantity, l.unitPrice, l.quantity * l.unitPrice].join(","));
  return \`\${[HEADER, ...rows].join("\\n")}\\n\`;
}
`,
    },
    commitMessage: "Invoice to CSV serializer",
    summary: "toCsv: one row per invoice line under the accounting import header",
  },
  T002: {
    writes: { "src/export/pdf.ts": MINIMAL_PDF },
    commitMessage: "Invoice to PDF renderer with a fixed creation date",
    summary: "toPdf: one-page PDF, fixed creation date so the bytes are reproducible (finished the earlier attempt's renderer)",
  },
  T003: {
    writes: {
      "src/http/routes/invoices.ts": `import { toCsv } from "../../export/csv.ts";
import { toPdf } from "../../export/pdf.ts";
import { findInvoice } from "../../invoices/sample.ts";

const TYPES = { csv: "text/csv; charset=utf-8", pdf: "application/pdf" };

/** GET /invoices/:id/export?format=csv|pdf, for the signed-in customer. */
export function exportInvoice(request) {
  const invoice = findInvoice(request.params.id);
  // Someone else's invoice is answered exactly like a missing one: no probing for ids.
  if (!invoice || invoice.customer !== request.customer) return { status: 404, headers: {}, body: "" };
  const format = request.query.format;
  if (!Object.hasOwn(TYPES, format)) return { status: 400, headers: {}, body: "format must be csv or pdf" };
  return { status: 200, headers: { "content-type": TYPES[format] }, body: format === "csv" ? toCsv(invoice) : toPdf(invoice) };
}
`,
    },
    commitMessage: "Download endpoint for CSV and PDF exports",
    summary: "GET /invoices/:id/export?format=csv|pdf with content types; 404 for other customers' invoices",
  },
  T004: {
    writes: {
      "src/export/batch.ts": `import { toCsv } from "./csv.ts";
import { toPdf } from "./pdf.ts";

export const archiveName = (customer, month) => \`\${customer}-\${month}.zip\`;

/** The entries of one customer's archive for a month (YYYY-MM), made one invoice at a time. */
export function* batchEntries(invoices, customer, month) {
  for (const invoice of invoices) {
    if (invoice.customer !== customer || !invoice.issued.startsWith(\`\${month}-\`)) continue;
    yield { name: \`\${invoice.id}.csv\`, data: Buffer.from(toCsv(invoice)) };
    yield { name: \`\${invoice.id}.pdf\`, data: toPdf(invoice) };
  }
}
`,
    },
    commitMessage: "Batch archive builder",
    summary: "batchEntries streams a customer's month as CSV and PDF entries, one invoice at a time",
  },
  T005: {
    writes: {
      "src/jobs/batch-export.ts": `import { archiveName, batchEntries } from "../export/batch.ts";

/** Queues the export of one customer's month; the job's result names the archive. */
export function startBatchExport(queue, invoices, customer, month) {
  return queue.add(async (report) => {
    let entries = 0;
    for (const _ of batchEntries(invoices, customer, month)) entries++;
    report(1);
    return { file: archiveName(customer, month), entries };
  });
}
`,
      "src/http/routes/batches.ts": `import { startBatchExport } from "../../jobs/batch-export.ts";

/** POST /batches {month}: starts the export job. */
export function createBatch(request, deps) {
  const job = startBatchExport(deps.queue, deps.invoices, request.customer, request.body.month);
  return { status: 202, body: { id: job.id } };
}

/** GET /batches/:id: progress, and the download link once the archive is ready. */
export function getBatch(request, deps) {
  const job = deps.queue.get(request.params.id);
  if (!job) return { status: 404, body: null };
  return { status: 200, body: { state: job.state, progress: job.progress, download: job.state === "done" ? \`/batches/\${job.id}/\${job.result.file}\` : null } };
}
`,
    },
    commitMessage: "Batch request API and export job",
    summary: "POST /batches queues an export job; GET /batches/:id reports progress and the download link",
  },
};

export const CRASH: CrashedAttempt = {
  task: "T002",
  writes: {
    "src/export/pdf.ts": `/** Renders an invoice as a one-page PDF. */
export function toPdf(invoice) {
  const lines = [\`Invoice \${invoice.id}\`, ...invoice.lines.map((l) => \`\${l.item}  \${l.quantity} x \${l.unitPrice}\`)];
  // still to do: page objects, xref table, trailer
  return lines;
}
`,
  },
  command: "npm test -- pdf",
};

export const CHANGES_REQUESTED: ChangesRequested = {
  task: "T001",
  note: "Amounts need two decimals and a dot (acceptance criterion 2): INV-1001's first line reads 19.9 and 59.699999999999996, expected 19.90 and 59.70.",
  edits: [
    {
      file: "src/export/csv.ts",
      replacements: [
        { oldString: CSV_HEADER_LINE, newString: `${CSV_HEADER_LINE}\n/** Two decimals and a dot, whatever the locale: what the accounting import reads. */\nconst money = (n) => n.toFixed(2);\n` },
        { oldString: "l.unitPrice, l.quantity * l.unitPrice]", newString: "money(l.unitPrice), money(l.quantity * l.unitPrice)]" },
      ],
    },
    {
      file: "test/export/csv.test.ts",
      replacements: [
        {
          oldString: "  assert.match(rows[1], /^INV-1001,2026-03-02,Widget,3,/);\n});\n",
          newString:
            '  assert.match(rows[1], /^INV-1001,2026-03-02,Widget,3,/);\n});\n\ntest("amounts have two decimals and a dot", () => {\n  assert.equal(toCsv(invoices[0]).split("\\n")[1], "INV-1001,2026-03-02,Widget,3,19.90,59.70");\n});\n',
        },
      ],
    },
  ],
  commitMessage: "CSV amounts with two decimals",
  summary: "toCsv: unit prices and amounts with two decimals and a dot; test for it",
};
