import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Race and end-to-end suites spawn many git and node processes; two cores are all there is.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
