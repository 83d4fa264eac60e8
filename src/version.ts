import { readFileSync } from "node:fs";

declare const __PLANREF_VERSION__: string | undefined;

/** Inlined by the bundler; read from package.json when running from source (tests). */
export const VERSION: string =
  typeof __PLANREF_VERSION__ === "string"
    ? __PLANREF_VERSION__
    : (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
