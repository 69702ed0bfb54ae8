import { defineConfig } from "vitest/config";

// "conveyor-source" makes workspace packages resolve to their TypeScript sources, so this
// package's tests run without building its dependencies first.
export default defineConfig({
  resolve: { conditions: ["conveyor-source"] },
  ssr: { resolve: { conditions: ["conveyor-source"] } },
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000, env: { CONVEYOR_LOG_LEVEL: "silent" } },
});
