import { mulberry32 } from "./support.mjs";
// A generated PRD in planref's grammar (docs: /work/shared/spec/prd-format.md; example:
// fixtures/prd/invoice-export.md): summary, goals, requirements, features and `### T0001:`
// task blocks with Feature, Priority, Dependencies on a few earlier tasks, Likely files,
// Acceptance criteria, Verification and the intent as free text. Deterministic per seed.
//
//   node bench/prd.mjs [tasks] [seed] > prd.md
const AREAS = ["billing", "auth", "export", "search", "notifications", "reports", "onboarding", "admin", "api", "sync", "storage", "audit"];
const COMPONENTS = ["worker", "controller", "schema", "client", "queue", "cache", "router", "renderer", "importer", "scheduler", "validator", "store"];
const VERBS = ["Add", "Fix", "Refactor", "Harden", "Document", "Speed up", "Split", "Migrate", "Remove", "Test", "Instrument", "Simplify"];
const OBJECTS = ["retry handling", "error messages", "pagination", "rate limiting", "input validation", "the CSV writer", "the PDF layout", "permission checks", "the batch job", "timezone handling", "idempotency keys", "the config loader"];
const CRITERIA = [
  "Existing tests pass without modification",
  "New behaviour is covered by at least one unit test",
  "Errors name the failing input and suggest a fix",
  "No request takes longer than 200 ms at the 95th percentile",
  "The change is described in the changelog",
  "Retries stop after five attempts with jittered backoff",
  "The output is byte-for-byte reproducible",
  "Permissions are checked before any data is read",
];
const WHY = [
  "Support staff work around this by hand every week.",
  "Customers reported failures in the last two releases.",
  "The current code is hard to test and blocks the next feature.",
  "Latency on this path regularly exceeds the agreed budget.",
];
const PRIORITIES = ["low", "medium", "medium", "high", "critical"];
export const PRD_FEATURES = 20;


/**
 * Returns { text, tasks }: the PRD text with `tasks` task blocks (ids T0001..), every block
 * importable and reviewable (criteria + verification), and each task's local id and dependencies.
 */
export function generatePrd({ tasks = 2000, seed = 1, title = "Generated platform work" } = {}) {
  const r = mulberry32(seed);
  const int = (n) => Math.floor(r() * n);
  const pick = (list) => list[int(list.length)];
  const tid = (i) => `T${String(i + 1).padStart(4, "0")}`;
  const out = [
    `# Project: ${title}`,
    "",
    "## Summary",
    `A generated plan of ${tasks} tasks across ${AREAS.length} areas, used to benchmark planref.`,
    "",
    "## Goals",
    "- Every area gets its backlog done in dependency order",
    "- Parallel agents never edit the same files at once",
    "",
    "## Non-Goals",
    "- Rewriting the storage layer",
    "",
    "## Requirements",
  ];
  for (let k = 0; k < AREAS.length; k++) out.push(`- R${String(k + 1).padStart(3, "0")}: The ${AREAS[k]} area meets its service level objectives.`);
  out.push("", "## Acceptance Criteria", "- All tasks have passing verification", "", "## Features", "");
  for (let f = 0; f < PRD_FEATURES; f++) {
    out.push(`### F${String(f + 1).padStart(3, "0")}: ${AREAS[f % AREAS.length]} improvements, part ${f + 1}`, `**Requirements:** R${String((f % AREAS.length) + 1).padStart(3, "0")}`, `Work on the ${AREAS[f % AREAS.length]} area.`, "");
  }
  out.push("## Tasks", "");
  const list = [];
  for (let i = 0; i < tasks; i++) {
    const area = pick(AREAS);
    const component = pick(COMPONENTS);
    out.push(`### ${tid(i)}: ${pick(VERBS)} ${pick(OBJECTS)} in the ${area} ${component} (${i + 1})`);
    out.push(`**Feature:** F${String((i % PRD_FEATURES) + 1).padStart(3, "0")}`);
    out.push(`**Priority:** ${pick(PRIORITIES)}`);
    // A few earlier tasks, mostly recent ones: chains and fan-ins as in a real backlog.
    const deps = new Set();
    const n = i === 0 ? 0 : [0, 0, 1, 1, 1, 2, 3][int(7)];
    for (let d = 0; d < n; d++) deps.add(tid(r() < 0.8 ? Math.max(0, i - 1 - int(30)) : int(i)));
    list.push({ id: tid(i), dependencies: [...deps] });
    if (deps.size > 0) out.push(`**Dependencies:** ${[...deps].join(", ")}`);
    out.push(`**Likely files:** src/${area}/${component}-${i % 97}.ts, test/${area}/${component}-${i % 97}.test.ts`);
    out.push("**Acceptance criteria:**");
    const c1 = int(CRITERIA.length);
    out.push(`- ${CRITERIA[c1]}`, `- ${CRITERIA[(c1 + 1 + int(CRITERIA.length - 1)) % CRITERIA.length]}`);
    out.push("**Verification:**", `- npm test -- ${area}/${component}`);
    out.push(`${pick(WHY)} Task ${i + 1} of the generated plan.`, "");
  }
  return { text: out.join("\n"), tasks: list };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(generatePrd({ tasks: Number(process.argv[2] ?? 2000), seed: Number(process.argv[3] ?? 1) }).text);
}
