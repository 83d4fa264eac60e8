import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { useCases } from "../../src/app/index.js";

/**
 * The library's documentation is checked like code: every use case in src/app/index.ts has a
 * TSDoc block with a summary and an @example, every example (and the complete ones of
 * src/lib.ts and README.md's Library section) type-checks against the real signatures, and
 * the docs reach Project's methods both in an editor and in the emitted declarations.
 *
 * Each example becomes one module of its own, kept in memory beside this file (nothing is
 * written to the working tree): its `import` lines stay at the top, with "planref" pointing
 * at src/lib.ts, `project` is declared as a Project, and the rest is the body of an async
 * function.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const INDEX = join(root, "src/app/index.ts");
const LIB = join(root, "src/lib.ts");
const README = join(root, "README.md");
const HERE = join(root, "test/lib");
const LIB_IMPORT = "../../src/lib.js";

interface Example {
  /** The use case key; "lib" and "README" for the complete examples, which open their own project. */
  name: string;
  /** Where the example is written, as file:line. */
  at: string;
  code: string;
  /** The in-memory module the example is checked as. */
  file: string;
}

interface DocumentedUseCase {
  name: string;
  line: number;
  summary: string;
  examples: Example[];
}

/** The code inside a ```ts fence of an @example, or the whole text when it has none. */
function exampleCode(text: string): string {
  const fenced = /```(?:ts|typescript)?[^\S\n]*\n([\s\S]*?)```/.exec(text);
  return (fenced ? (fenced[1] as string) : text).trim();
}

function useCasesLiteral(sf: ts.SourceFile): ts.ObjectLiteralExpression {
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== "useCases" || !d.initializer) continue;
      let init: ts.Expression = d.initializer;
      while (ts.isSatisfiesExpression(init) || ts.isAsExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
      if (ts.isObjectLiteralExpression(init)) return init;
    }
  }
  throw new Error("src/app/index.ts: no `export const useCases = { ... }` found");
}

function documentedUseCases(): DocumentedUseCase[] {
  const sf = ts.createSourceFile(INDEX, readFileSync(INDEX, "utf8"), ts.ScriptTarget.Latest, true);
  return useCasesLiteral(sf).properties.map((prop) => {
    const name = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : prop.getText(sf);
    const line = sf.getLineAndCharacterOfPosition(prop.getStart(sf)).line + 1;
    const doc = ts.getJSDocCommentsAndTags(prop).filter(ts.isJSDoc).pop();
    const tags = doc?.tags?.filter((t) => t.tagName.text === "example") ?? [];
    const examples = tags.map((t, i): Example => {
      const at = sf.getLineAndCharacterOfPosition(t.getStart(sf)).line + 1;
      return { name, at: `src/app/index.ts:${at}`, code: exampleCode(ts.getTextOfJSDocComment(t.comment) ?? ""), file: join(HERE, `__example-${name}-${i}.ts`) };
    });
    return { name, line, summary: (ts.getTextOfJSDocComment(doc?.comment) ?? "").trim(), examples };
  });
}

/** The @example of the first doc comment in src/lib.ts (the module's own documentation). */
function libExample(): Example {
  const text = readFileSync(LIB, "utf8");
  const block = /\/\*\*([\s\S]*?)\*\//.exec(text);
  const body = (block?.[1] ?? "").split("\n").map((l) => l.replace(/^\s*\* ?/, "")).join("\n");
  const tag = /@example([\s\S]*?)(?=\n@|$)/.exec(body);
  const at = text.slice(0, (block?.index ?? 0) + (block?.[0].indexOf("@example") ?? 0)).split("\n").length;
  return { name: "lib", at: `src/lib.ts:${at}`, code: exampleCode(tag?.[1] ?? ""), file: join(HERE, "__example-lib.ts") };
}

/** The example of README.md's Library section. */
function readmeExample(): Example {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf("\n## Library\n");
  const end = text.indexOf("\n## ", start + 1);
  const section = start < 0 ? "" : text.slice(start, end < 0 ? undefined : end);
  const fence = section.indexOf("```ts");
  return { name: "README", at: `README.md:${text.slice(0, start + fence).split("\n").length}`, code: exampleCode(fence < 0 ? "" : section.slice(fence)), file: join(HERE, "__example-readme.ts") };
}

/** The module an example is type-checked as; returns the text and the line its body starts on. */
function moduleOf(example: Example): { text: string; bodyLine: number } {
  const lines = example.code.split("\n");
  const imports = lines.filter((l) => /^import\s/.test(l)).map((l) => l.replace(/(["'])planref\1/, `"${LIB_IMPORT}"`));
  const body = lines.filter((l) => !/^import\s/.test(l));
  const head = [
    ...imports,
    ...(example.name === "lib" || example.name === "README" ? [] : [`declare const project: import("${LIB_IMPORT}").Project;`]),
    "export async function example(): Promise<void> {",
  ];
  return { text: [...head, ...body.map((l) => `  ${l}`), "}", ""].join("\n"), bodyLine: head.length + 1 };
}

const documented = documentedUseCases();
const examples = [...documented.flatMap((d) => d.examples), libExample(), readmeExample()];
const modules = new Map(examples.map((e) => [e.file, moduleOf(e)]));
/** A module that only declares a Project, for asking the checker what an editor would show. */
const PROBE = join(HERE, "__probe.ts");
const PROBE_TEXT = `import type { Project } from "${LIB_IMPORT}";\nexport declare const project: Project;\n`;

let built: { program: ts.Program; emitted: Map<string, string> } | null = null;

/** One program over every example module and the sources they reach, built on first use. */
function program(): { program: ts.Program; emitted: Map<string, string> } {
  if (built) return built;
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: join(root, "dist/types") };
  const host = ts.createCompilerHost(options, true);
  const virtual = new Map<string, string>([[PROBE, PROBE_TEXT], ...[...modules].map(([f, m]) => [f, m.text] as [string, string])]);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, onError, fresh) => {
    const text = virtual.get(resolve(fileName));
    return text === undefined ? getSourceFile.call(host, fileName, language, onError, fresh) : ts.createSourceFile(fileName, text, language, true);
  };
  host.fileExists = (fileName) => virtual.has(resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => virtual.get(resolve(fileName)) ?? readFile.call(host, fileName);
  const emitted = new Map<string, string>();
  // Declarations are emitted only into this map, never to disk.
  host.writeFile = (fileName, text) => void emitted.set(relative(join(root, "dist/types"), fileName), text);
  built = { program: ts.createProgram({ rootNames: [...virtual.keys()], options, host }), emitted };
  return built;
}

function describeDiagnostic(example: Example, d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n    ");
  if (!d.file || d.start === undefined) return `${example.name} (${example.at}): TS${d.code}: ${message}`;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  const source = d.file.text.split("\n")[line]?.trim() ?? "";
  const where = d.file.fileName === example.file ? `example line ${line + 1 - ((modules.get(example.file)?.bodyLine ?? 1) - 1)}` : relative(root, d.file.fileName);
  return `${example.name} (${example.at}), ${where}: TS${d.code}: ${message}\n    > ${source}`;
}

describe("TSDoc of the library's use cases", () => {
  it("every use case has a summary and an @example", () => {
    const byName = new Map(documented.map((d) => [d.name, d]));
    const problems: string[] = [];
    for (const name of Object.keys(useCases)) {
      const d = byName.get(name);
      if (!d) problems.push(`${name}: not a plain property of the useCases literal, so it cannot be documented there`);
      else if (!d.summary) problems.push(`${name} (src/app/index.ts:${d.line}): no TSDoc summary`);
      if (d && d.examples.length === 0) problems.push(`${name} (src/app/index.ts:${d.line}): no @example`);
      for (const e of d?.examples ?? []) if (!e.code.includes(`project.${name}(`)) problems.push(`${name} (${e.at}): the example does not call project.${name}(...)`);
    }
    expect(problems).toEqual([]);
    expect(libExample().code).toContain("openProject(");
    expect(readmeExample().code).toContain("openProject(");
  });

  it.each(examples.map((e) => [`${e.name} (${e.at})`, e] as const))("the example of %s type-checks", (_label, example) => {
    const { program: p } = program();
    const sf = p.getSourceFile(example.file);
    expect(sf, `${example.file} is not in the program`).toBeDefined();
    const diagnostics = [...p.getSyntacticDiagnostics(sf), ...p.getSemanticDiagnostics(sf)];
    expect(diagnostics.map((d) => describeDiagnostic(example, d))).toEqual([]);
  });

  it("reaches Project's methods: in an editor (checker) and in the emitted declarations", () => {
    const { program: p, emitted } = program();
    expect(p.getOptionsDiagnostics().concat(p.getGlobalDiagnostics()).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
    const checker = p.getTypeChecker();
    const probe = p.getSourceFile(PROBE) as ts.SourceFile;
    const decl = (probe.statements[1] as ts.VariableStatement).declarationList.declarations[0] as ts.VariableDeclaration;
    const projectType = checker.getTypeAtLocation(decl.name);
    const missing: string[] = [];
    for (const d of documented) {
      const method = projectType.getProperty(d.name);
      const doc = method ? ts.displayPartsToString(method.getDocumentationComment(checker)).trim() : "";
      const tags = method?.getJsDocTags(checker).map((t) => t.name) ?? [];
      if (doc !== d.summary || !tags.includes("example")) missing.push(`project.${d.name}: editor shows ${JSON.stringify(doc.slice(0, 60))}, tags [${tags.join(", ")}]`);
    }
    expect(missing).toEqual([]);

    const result = p.emit(p.getSourceFile(INDEX), undefined, undefined, true);
    expect(result.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
    // Where it lands depends on the program's common root (src/, or the repository with this test's modules in it).
    const dts = [...emitted].find(([name]) => name.endsWith("app/index.d.ts"))?.[1] ?? "";
    const sf = ts.createSourceFile("index.d.ts", dts, ts.ScriptTarget.Latest, true);
    const statement = sf.statements.find((s) => ts.isVariableStatement(s) && s.declarationList.declarations[0]?.name.getText(sf) === "useCases") as ts.VariableStatement | undefined;
    const literal = statement?.declarationList.declarations[0]?.type;
    expect(literal && ts.isTypeLiteralNode(literal), "app/index.d.ts declares useCases as a type literal").toBe(true);
    const inDts = new Map(
      (literal as ts.TypeLiteralNode).members.map((m) => {
        const doc = ts.getJSDocCommentsAndTags(m).filter(ts.isJSDoc).pop();
        return [m.name?.getText(sf) ?? "", { summary: (ts.getTextOfJSDocComment(doc?.comment) ?? "").trim(), example: doc?.tags?.some((t) => t.tagName.text === "example") ?? false }] as const;
      }),
    );
    const dropped = documented.filter((d) => inDts.get(d.name)?.summary !== d.summary || !inDts.get(d.name)?.example).map((d) => d.name);
    expect(dropped, "use cases whose TSDoc the declaration emit dropped").toEqual([]);
  });
});
