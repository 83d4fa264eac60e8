/**
 * Fuzzing the YAML documents: the canonical emitter and the untrusted-YAML parser on random
 * values and mutated documents, the document registry both ways, and hand-made commits of
 * broken documents on refs/plan/state, which must be reported (INVALID_STATE, naming path
 * and commit) and never built upon by a later write.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry } from "../../src/app/state/documents.js";
import { ERROR_CATALOG, PlanrefError, ValidationError } from "../../src/errors.js";
import { Sandbox } from "./sandbox.js";
import { openProject } from "../../src/runtime/open-project.js";
import { parseYaml, toCanonicalYaml } from "../../src/store/yaml.js";
import { cleanupAll, fsckOk, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { handCommit } from "../helpers/hand-commit.js";
import { gitOut, handCommitEntry, mutated, nastyString, params, preview, stateIssues, tipOf, TIMEOUT } from "./support.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** Strings that YAML readers mistype or mis-parse when they are emitted carelessly. */
const TRICKY = [
  "", " ", "   ", "\t", "\n", "a\nb", "a\n", "\na", "a\r\nb", "a\rb", "a \n b", "yes", "no", "on", "off", "y", "n", "Y", "NO", "true", "False", "null", "Null", "~",
  "0", "-0", "007", "0777", "0o17", "0x1F", "0b101", "1_000", "1e3", "1e", "1.", ".5", "-.5", "+1", ".inf", "-.Inf", ".nan", "12:30", "1:20:30",
  "2024-01-01", "2001-12-14t21:59:43.10-05:00", "- x", "-", "?", "? x", ":", ": y", "a: b", "a:b", "#c", "x #y", "[a]", "{a}", "a,b", "&a", "*a", "!tag", "!!str", "%YAML 1.2",
  "---", "...", "--- x", "|", ">", "@x", "`x", "'", '"', "\\", "<<", "=", " lead", "trail ", "\u2028", "\u2029", "\u0085", "\u00a0", "\u3000", "\u200b",
  "\uFEFF", "\uFEFFx", "x\uFEFF", "😀", "\uD800", "a\uDC00b", "\0", "\x7f", "\x9f", "\x1b[31m", "\ue000", "\ufffe", "\uffff",
];

const trickyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 2, arbitrary: nastyString(20) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...TRICKY), fc.constantFrom(...TRICKY)).map(([a, b]) => a + b) },
);

const scalar = fc.oneof(trickyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.maxSafeInteger(), fc.constantFrom(2 ** 53 + 2, 1e21, 5e-324, -0));

const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(trickyString, tie("value"), { maxKeys: 5 }),
  ),
}));

/** A document as stored: always a mapping at the top. */
const anyDocument = fc.dictionary(trickyString, anyValue, { minKeys: 1, maxKeys: 6 });

function parsed(text: string, source = "fuzz.yaml"): unknown {
  return parseYaml(text, { source });
}

interface Refusal {
  name: string;
  code?: string;
  message: string;
  issues: Array<{ path?: string; line?: number; message: string }>;
}

/** A rejection by the untrusted-YAML parser: a ValidationError whose issues all name the source and, when known, a line of it. */
function checkYamlRefusal(err: Refusal, text: string, source: string): void {
  expect(err.name, err.message).toBe("ValidationError");
  expect(err.code).toBe("VALIDATION_FAILED");
  expect(err.issues.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const issue of err.issues) {
    expect(issue.path).toBe(source);
    expect(issue.message.trim()).not.toBe("");
    if (issue.line !== undefined) {
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.line).toBeLessThanOrEqual(lines + 1);
    }
  }
  expect(err.message).toContain(source);
}

describe("fuzz: canonical YAML", () => {
  it("round-trips: emit(parse(emit(x))) === emit(x), and parse(emit(x)) equals x", () => {
    fc.assert(
      fc.property(fc.oneof(anyDocument, anyValue), (x) => {
        const emitted = toCanonicalYaml(x);
        // Our own output must always be acceptable input, and read back as the same value.
        const back = parsed(emitted);
        expect(back).toEqual(x);
        expect(toCanonicalYaml(back)).toBe(emitted);
        // The same through the bytes a blob stores.
        expect(toCanonicalYaml(parsed(Buffer.from(emitted, "utf8").toString("utf8")))).toBe(emitted);
      }),
      params(400),
    );
  }, TIMEOUT);

  it("the same value always gives the same bytes, whatever the key order", () => {
    fc.assert(
      fc.property(anyDocument, (doc) => {
        const reversed = Object.fromEntries(Object.entries(doc).reverse());
        expect(toCanonicalYaml(reversed)).toBe(toCanonicalYaml(doc));
      }),
      params(200),
    );
  }, TIMEOUT);
});

// ---- mutated and random YAML text ----

const YAML_LINES = [
  "a: &anchor 1",
  "b: *anchor",
  "<<: {x: 1}",
  "c: !!js/function 'function () {}'",
  "d: !custom x",
  "%YAML 1.1",
  "%TAG ! tag:example.com,2000:",
  "---",
  "...",
  "? complex key",
  ": value",
  "? [a, b]",
  "id: duplicate",
  "status: done",
  "formatVersion: 2",
  "formatVersion: '1'",
  "\tindented: with a tab",
  "  - stray: item",
  "[unclosed",
  "{a: 1, a: 2}",
  '"unterminated',
  "key: |",
  "key: >-",
  "  folded",
  "- 1",
  "x: 2024-01-01",
  "x: 0x10",
  "x: .nan",
  "x: ~",
  "# comment",
  "x: y # comment",
  "\0",
  "\uFEFFbom: 1",
  "x: \u2028",
  "a: " + "[".repeat(40) + "]".repeat(40),
];

const yamlInjections = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...YAML_LINES) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom("", "  ", "    ", "- ", "  - "), trickyString, fc.constantFrom(": ", ":", " ", ""), trickyString).map((p) => p.join("")) },
  { weight: 1, arbitrary: nastyString(30) },
);

/** Seeds for text mutations: a canonical plan.yaml and task document, as planref writes them. */
const SEED_DOCS: Record<string, string> = {
  plan: "createdAt: 2026-01-01T00:00:00.000Z\ncreatedBy: fuzz\nformatVersion: 1\nproject:\n  name: demo\nsettings:\n  claims:\n    heartbeatInterval: 5m\n    lease: 2h\n    skewMargin: 2m\n  gate:\n    distinctReviewer: true\n    requireFreshVerification: true\n  packet:\n    maxBytes: 60000\n  scopeGuard:\n    noClaim: warn\n    outsideScope: warn\n  sync:\n    mode: solo\n    remote: origin\n",
  task: "acceptanceCriteria:\n  - Columns follow the accounting import spec\ncontentHash: 0e5f\ncreatedAt: 2026-01-01T00:00:00.000Z\ndependencies: []\nfeature: F001\nid: invoice-export.T001\nintent: |-\n  Write a pure function\n  from an invoice record to CSV text.\nlocalId: T001\nmanualSteps: []\nnonGoals: []\nparent: null\npriority: high\nrequiredEvidence: []\nscope:\n  - src/export/csv.ts\nsource:\n  file: invoice-export.md\n  line: 43\nspec: invoice-export\nstatus: draft\ntitle: \"Invoice to CSV: serializer\"\nupdatedAt: 2026-01-01T00:00:00.000Z\nverification:\n  - npm test -- csv\n",
};

describe("fuzz: parseYaml on mutated and random text", () => {
  const seeds = SEED_DOCS;
  // In a worker with a time box: a parse that never returns fails on its input instead of freezing the run.
  const sandbox = new Sandbox<[string, { source: string }], unknown>("../../src/store/yaml.ts", "parseYaml", 10_000);
  afterAll(() => sandbox.close());

  async function boxed(text: string): Promise<{ value: unknown } | { refusal: Refusal }> {
    const outcome = await sandbox.run(text, { source: "fuzz.yaml" });
    if (!("thrown" in outcome)) return { value: outcome.value };
    const { name, code, message, data, stack } = outcome.thrown;
    if (name !== "ValidationError") throw new Error(`parseYaml threw ${name}: ${message}\n${stack}`);
    return { refusal: { name, message, ...(code ? { code } : {}), issues: (data as { issues: Refusal["issues"] }).issues } };
  }

  it("returns a value that re-emits stably, or a ValidationError naming the source and line", async () => {
    const text = fc.oneof(
      { weight: 4, arbitrary: mutated(seeds, yamlInjections, { hugeMax: 30_000 }).map((m) => m.text) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...YAML_LINES), { maxLength: 12 }).map((l) => l.join("\n")) },
    );
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const read = await boxed(t);
        if ("refusal" in read) {
          checkYamlRefusal(read.refusal, t, "fuzz.yaml");
          return;
        }
        const emitted = toCanonicalYaml(read.value);
        expect(toCanonicalYaml(parsed(emitted)), preview(t)).toBe(emitted);
      }),
      params(300),
    );
  }, TIMEOUT);

  it("nesting, aliases, many keys and size beyond the limits are refused or read in time, never a crash", async () => {
    const hostile = fc.oneof(
      fc.integer({ min: 100, max: 60_000 }).map((n) => `a: ${"[".repeat(n)}${"]".repeat(n)}\n`),
      fc.integer({ min: 100, max: 30_000 }).map((n) => `a: ${"{b: ".repeat(n)}1${"}".repeat(n)}\n`),
      fc.integer({ min: 100, max: 30_000 }).map((n) => `: ${"a: ".repeat(n)}\n`),
      fc.integer({ min: 2, max: 30 }).map((n) => `a0: &a0 [x, x]\n${Array.from({ length: n }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`).join("\n")}\n`),
      fc.integer({ min: 1_048_577, max: 1_200_000 }).map((n) => `a: ${"x".repeat(n)}\n`),
      fc.integer({ min: 2_000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join("\n")),
      fc.integer({ min: 2_000, max: 20_000 }).map((n) => `{${Array.from({ length: n }, (_, i) => `k${i % 1000}: ${i}`).join(", ")}}`),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (t) => {
        const read = await boxed(t);
        if ("refusal" in read) checkYamlRefusal(read.refusal, t, "fuzz.yaml");
        else expect(Object.keys(read.value as object).length, preview(t)).toBeGreaterThan(1_000);
      }),
      params(12),
    );
  }, TIMEOUT);
});

// ---- the document registry, both ways ----

interface StateFixture {
  repo: TempRepo;
  good: string;
  /** Every document of the good commit: path to text. */
  texts: Record<string, string>;
}

async function buildState(): Promise<StateFixture> {
  const repo = makeRepo();
  const p = openProject({ cwd: repo.dir, env: repo.env, actor: "human" });
  try {
    await p.init({});
    await p.importSpec({ file: "invoice-export.md", text: readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8") });
    await p.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    await p.reviewTask({ task: "T001", verdict: "approve" });
  } finally {
    await p.close();
  }
  const agent = openProject({ cwd: repo.dir, env: repo.env, actor: "agent-a" });
  try {
    await agent.claim({ task: "T001" });
  } finally {
    await agent.close();
  }
  const good = tipOf(repo) as string;
  const texts: Record<string, string> = {};
  const listing = gitOut(repo, ["ls-tree", "-r", "--name-only", good]).toString("utf8").split("\n").filter(Boolean);
  for (const path of listing) texts[path] = gitOut(repo, ["show", `${good}:${path}`]).toString("utf8");
  return { repo, good, texts };
}

/** Value-level mutations of a real document: wrong types, missing and extra keys, tricky strings. */
function mutateValue(doc: unknown, edits: ReadonlyArray<{ at: number; kind: "set" | "delete" | "add"; key: string; value: unknown }>): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (const edit of edits) {
    // Walk to a random object inside the document.
    let target: Record<string, unknown> = copy;
    const objects: Record<string, unknown>[] = [];
    const visit = (v: unknown) => {
      if (v && typeof v === "object") {
        objects.push(v as Record<string, unknown>);
        for (const c of Object.values(v)) visit(c);
      }
    };
    visit(copy);
    target = objects[Math.min(objects.length - 1, Math.floor(edit.at * objects.length))] ?? copy;
    if (Array.isArray(target)) {
      const i = Math.floor(edit.at * 997) % Math.max(1, target.length);
      if (edit.kind === "add" || target.length === 0) target.push(edit.value);
      else if (edit.kind === "delete") target.splice(i, 1);
      else target[i] = edit.value;
      continue;
    }
    const keys = Object.keys(target);
    const key = edit.kind === "add" || keys.length === 0 ? edit.key : (keys[Math.floor(edit.at * 997) % keys.length] as string);
    if (edit.kind === "delete") delete target[key];
    else target[key] = edit.value;
  }
  return copy;
}

const valueEdits = fc.array(
  fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), kind: fc.constantFrom("set" as const, "delete" as const, "add" as const), key: trickyString, value: anyValue }),
  { minLength: 1, maxLength: 3 },
);

describe("fuzz: hand-made commits on refs/plan/state", () => {
  let state: StateFixture;
  const registry = createRegistry();
  beforeAll(async () => {
    state = await buildState();
  });
  afterAll(cleanupAll);

  it("registry: whatever encode accepts, decode reads back as the same value (and refusals name the path)", () => {
    const paths = Object.keys(state.texts).filter((p) => !p.endsWith(".md"));
    fc.assert(
      fc.property(fc.constantFrom(...paths), valueEdits, (path, edits) => {
        const original = parsed(state.texts[path] as string, path);
        const value = mutateValue(original, edits);
        let bytes: Buffer;
        try {
          bytes = registry.encode(path, value);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          expect((e as ValidationError).code).toBe("VALIDATION_FAILED");
          expect((e as ValidationError).message).toContain(path);
          for (const issue of (e as ValidationError).issues) expect(issue.path).toBe(path);
          return;
        }
        const decoded = registry.decode(path, bytes, "0".repeat(40));
        expect(decoded, `what was validated is what is stored: ${JSON.stringify(bytes.toString("utf8"))}`).toEqual({ value });
      }),
      params(300),
    );
  }, TIMEOUT);

  it("registry: decode never throws on random bytes, and every issue names the path and commit", () => {
    const commit = "c".repeat(40);
    const paths = fc.oneof(fc.constantFrom(...Object.keys(state.texts)), fc.constantFrom("plan.yaml", "tasks/00/x.yaml", "specs/s/spec.yaml", "notes.txt", "tasks/zz/a b.yaml", "a/../b.yaml"), trickyString);
    const bytes = fc.oneof(
      mutated(state.texts, yamlInjections, { hugeMax: 30_000 }).map((m) => Buffer.from(m.text, "utf8")),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      anyDocument.map((d) => Buffer.from(toCanonicalYaml(d), "utf8")),
    );
    fc.assert(
      fc.property(paths, bytes, (path, content) => {
        const decoded = registry.decode(path, content, commit);
        if ("issues" in decoded) {
          expect(decoded.issues.length).toBeGreaterThan(0);
          for (const issue of decoded.issues) expect(issue).toMatchObject({ path, commit, message: expect.any(String) });
        }
      }),
      params(300),
    );
  }, TIMEOUT);

  type Change = { path: string; content: string | null; mode?: "100755" | "120000" | "160000" | "dir" };

  const docPaths = () => Object.keys(state.texts);
  const change = (): fc.Arbitrary<Change[]> => {
    const texts = state.texts;
    const yamlPaths = docPaths().filter((p) => p.endsWith(".yaml"));
    const textEdit = fc
      .constantFrom(...docPaths())
      .chain((path) => mutated({ [path]: texts[path] as string }, yamlInjections, { max: 4, hugeMax: 50_000 }).map((m) => [{ path, content: m.text }]));
    // Just over the size limit of a document.
    const oversize = fc.constantFrom(...yamlPaths).map((path) => [{ path, content: `${texts[path] as string}padding: ${"x".repeat(1024 * 1024)}\n` }]);
    const valueEdit = fc.tuple(fc.constantFrom(...yamlPaths), valueEdits).map(([path, edits]) => [{ path, content: toCanonicalYaml(mutateValue(parsed(texts[path] as string, path), edits)) }]);
    const deletion = fc.constantFrom(...docPaths()).map((path) => [{ path, content: null }]);
    const stranger = fc
      .tuple(fc.constantFrom("tasks/00/", "tasks/ab/", "claims/00/", "specs/x/", "evidence/00/t/", "", "notes/", "tasks/00/sub/"), fc.stringMatching(/^[A-Za-z0-9 ._~-]{1,20}$/), fc.constantFrom(".yaml", ".md", ".txt", ""), fc.oneof(trickyString, anyDocument.map((d) => toCanonicalYaml(d))))
      .filter(([, name]) => !name.trim().startsWith(".") && !name.includes(".."))
      .map(([dir, name, ext, content]) => [{ path: `${dir}${name.trim() || "x"}${ext}`, content }]);
    // Copying a document to another path breaks the id-at-path rule.
    const moved = fc.tuple(fc.constantFrom(...yamlPaths), fc.constantFrom(...yamlPaths)).map(([from, to]) => [{ path: to, content: texts[from] as string }]);
    // Not a plain file: a symlink, an executable, a submodule, or a file under a document's path.
    const structural = fc
      .tuple(fc.constantFrom(...docPaths()), fc.constantFrom("100755" as const, "120000" as const, "160000" as const, "dir" as const))
      .map(([path, mode]) => [{ path, mode, content: texts[path] as string }]);
    return fc.oneof({ weight: 2, arbitrary: structural }, { weight: 5, arbitrary: textEdit }, { weight: 3, arbitrary: valueEdit }, { weight: 1, arbitrary: deletion }, { weight: 1, arbitrary: stranger }, { weight: 1, arbitrary: moved }, { weight: 1, arbitrary: oversize });
  };

  async function attempt<T>(fn: (p: ReturnType<typeof openProject>) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const p = openProject({ cwd: state.repo.dir, env: state.repo.env, actor: "fuzz" });
    try {
      return { ok: true, value: await fn(p) };
    } catch (error) {
      return { ok: false, error };
    } finally {
      await p.close();
    }
  }

  it("reading a broken commit is INVALID_STATE naming path and commit; a write never builds on it", async () => {
    const { repo, good } = state;
    const counts = { invalid: 0, valid: 0 };
    await fc.assert(
      fc.asyncProperty(change(), async (changes) => {
        try {
          const files = Object.fromEntries(changes.map((c) => [c.path, c.content]));
          let bad: string;
          try {
            const [first] = changes;
            if (first?.mode === "dir") bad = handCommitEntry(repo, { path: `${first.path}/x.yaml`, mode: "100644", target: first.content ?? "", remove: first.path });
            else if (first?.mode === "160000") bad = handCommitEntry(repo, { path: first.path, mode: first.mode, target: good, remove: first.path });
            else if (first?.mode) bad = handCommitEntry(repo, { path: first.path, mode: first.mode, target: first.content ?? "" });
            else bad = handCommit(repo, files, "hand-made by the fuzz suite");
          } catch {
            return; // git itself refused the path or content: nothing reached the ref
          }
          const expected = stateIssues(repo, bad);
          const read = await attempt((p) => p.status());
          if (expected.length === 0) {
            counts.valid++;
            // Every document is valid on its own: reading works (or fails with a coded error of the plan's rules).
            if (!read.ok) expect((read.error as PlanrefError).code, String(read.error)).not.toBe("INTERNAL");
          } else {
            counts.invalid++;
            expect(read.ok, `read a state with ${JSON.stringify(expected).slice(0, 300)}`).toBe(false);
            const err = (read as { error: unknown }).error as PlanrefError<{ issues: Array<{ path?: string; commit?: string }> }>;
            expect(err, String((err as Error)?.stack)).toBeInstanceOf(PlanrefError);
            expect(["INVALID_STATE", "FORMAT_VERSION"], `${err.code}: ${err.message}`).toContain(err.code);
            expect(err.message).toContain(bad.slice(0, 12));
            const named = new Set(err.data.issues.map((i) => i.path));
            expect(err.data.issues.every((i) => i.commit === bad), JSON.stringify(err.data.issues).slice(0, 500)).toBe(true);
            // The store names at least one of the documents an independent reading finds broken.
            const broken = expected.map((i) => i.path ?? "plan.yaml");
            expect(broken.some((p) => named.has(p)), `${[...named].join(", ")} vs ${broken.join(", ")}`).toBe(true);
          }
          // A write after it: refused with the same error while the state is broken, never a commit on top of it.
          const write = await attempt((p) => p.addTask({ title: "written after a hand-made commit" }));
          const after = tipOf(repo) as string;
          if (expected.length > 0) {
            expect(write.ok).toBe(false);
            expect(Object.keys(ERROR_CATALOG)).toContain((write as { error: PlanrefError }).error.code);
            expect((write as { error: PlanrefError }).error.code).toBe((read as { error: PlanrefError }).error.code);
            expect(after, "nothing was committed on top of the broken state").toBe(bad);
          } else if (write.ok) {
            expect(gitOut(repo, ["rev-parse", `${after}^`]).toString("utf8").trim()).toBe(bad);
            expect(stateIssues(repo, after)).toEqual([]);
          } else {
            expect((write.error as PlanrefError).code, String(write.error)).not.toBe("INTERNAL");
            expect(after).toBe(bad);
          }
        } finally {
          gitOut(repo, ["update-ref", "refs/plan/state", good]);
        }
      }),
      params(16),
    );
    expect(counts.invalid).toBeGreaterThan(0);
    // After all that, the good commit still reads, and nothing in the object store is damaged.
    const read = await attempt((p) => p.status());
    expect(read.ok).toBe(true);
    expect(fsckOk(repo.dir, repo.env).ok).toBe(true);
  }, TIMEOUT);
});
