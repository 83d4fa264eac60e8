import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CATALOG } from "../../src/errors.js";
import { type CliResult, planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

const SCHEMAS = fileURLToPath(new URL("../../schemas", import.meta.url));
const PRD = fileURLToPath(new URL("../../fixtures/prd/invoice-export.md", import.meta.url));

/** The --json output of the claim commands, checked against schemas/output/*.schema.json. */
function validator() {
  // ajv ships CommonJS: the class is the module's default export.
  const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as new (o: object) => {
    addSchema(s: unknown): void;
    getSchema(id: string): ((v: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null } | undefined;
  };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  for (const dir of [SCHEMAS, join(SCHEMAS, "output")]) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".schema.json"))) ajv.addSchema(JSON.parse(readFileSync(join(dir, f), "utf8")));
  }
  return (name: string, value: unknown) => {
    const validate = ajv.getSchema(`https://planref.dev/schemas/output/${name}.schema.json`);
    if (!validate) throw new Error(`no output schema ${name}`);
    const ok = validate(value);
    return ok ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
  };
}

describe("--json output matches the output schemas", () => {
  let repo: TempRepo;
  const check = validator();
  const run = (actor: string, ...args: string[]) => planref([...args, "--json"], { cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: actor } });
  const data = (name: string, r: CliResult) => {
    expect(check("envelope", r.json), r.stdout).toEqual([]);
    expect(r.json?.ok, r.stdout).toBe(true);
    expect(check(name, r.json?.data), JSON.stringify(r.json?.data)).toEqual([]);
    return r.json?.data;
  };

  beforeAll(async () => {
    repo = makeRepo();
    await run("lead", "init");
    await run("lead", "spec", "import", PRD);
    await run("lead", "spec", "review", "invoice-export", "--approve");
    for (const t of ["T001", "T002"]) await run("lead", "task", "review", t, "--approve");
  });

  it("claim, heartbeat, status, packet and release", async () => {
    data("claim", await run("alice", "claim", "T001", "--branch"));
    data("heartbeat", await run("alice", "heartbeat", "T001"));
    const status = data("status", await run("alice", "status"));
    expect(status.claims).toHaveLength(1);
    data("packet", await run("alice", "packet", "T001", "--format", "json"));
    data("release", await run("alice", "release", "T001"));
    data("claim", await run("bob", "claim", "T002"));
    data("release", await run("carol", "release", "T002", "--force", "--reason", "bob is away"));
  });

  it("errors use the envelope with a code from the catalog", async () => {
    await run("alice", "claim", "T001");
    const lost = await run("bob", "heartbeat", "T001");
    expect(check("envelope", lost.json)).toEqual([]);
    expect(lost.json?.ok).toBe(false);
    expect(Object.keys(ERROR_CATALOG)).toContain(lost.json?.error?.code);
    for (const r of [await run("bob", "claim", "T001"), await run("bob", "claim", "nope"), await run("bob", "claim")]) {
      expect(check("envelope", r.json), r.stdout).toEqual([]);
      expect(Object.keys(ERROR_CATALOG)).toContain(r.json?.error?.code);
    }
  });
});
