// Lint enforces the layering of docs/architecture.md: each layer imports only the ones beneath it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const layer = (files, patterns, message) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [{ group: patterns, message }] }] },
});

const NODE = ["node:*", "fs", "path", "child_process", "os", "crypto", "zlib", "http", "net"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "src/schema/generated/**", "bench/results/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-empty": ["error", { allowEmptyCatch: true }],
      // Git formats and terminal output are full of control bytes we match on purpose.
      "no-control-regex": "off",
    },
  },
  {
    files: ["scripts/**/*.mjs", "bench/**/*.mjs", "eslint.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", performance: "readonly", Buffer: "readonly", setTimeout: "readonly" } },
  },
  {
    files: ["test/soak/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", performance: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly" } },
  },
  layer(["src/domain/**"], [...NODE, "yaml", "ajv*", "commander", "**/store/**", "**/app/**", "**/runtime/**", "**/cli/**", "**/mcp/**", "**/hooks/**", "**/web/**"], "domain/ is pure: no I/O, no store, no front ends."),
  layer(["src/store/**"], ["**/domain/**", "**/app/**", "**/runtime/**", "**/cli/**", "**/mcp/**", "**/hooks/**", "**/web/**", "commander"], "store/ is a generic engine: it knows git and YAML, not tasks or front ends."),
  layer(["src/app/**"], ["**/runtime/**", "**/cli/**", "**/mcp/**", "**/hooks/**", "**/web/**", "commander", "**/store/git/**", "**/store/git-store*"], "app/ joins domain and store through interfaces; only runtime/ names concrete adapters."),
  layer(["src/runtime/**"], ["**/cli/**", "**/mcp/**", "**/hooks/**", "**/web/**", "commander"], "runtime/ wires adapters; front ends sit above it."),
  layer(["src/cli/**", "src/mcp/**", "src/hooks/**", "src/web/**"], ["**/store/**", "**/domain/**"], "front ends call use cases through runtime/ and app/; they never reach into the store or re-implement rules."),
  layer(["src/demo/**"], ["**/store/**", "**/domain/**", "**/cli/**", "**/mcp/**", "**/web/**", "commander"], "demo/ drives planref as its users do: the library's use cases, the hook handler and the built CLI, never the store or the rules."),
  layer(["src/web/page/**"], [...NODE, "**/store/**", "**/domain/**", "**/runtime/**", "**/cli/**", "commander", "yaml"], "web/page/ runs in the browser: it reaches planref only through the board's HTTP API (type imports of app/ are erased)."),
);
