import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// "conveyor-source" makes workspace packages resolve to their TypeScript sources, so this
// package's tests run without building its dependencies first. The guide's example imports
// this package by name, as a host would: that name is this package's source too.
export default defineConfig({
  resolve: { conditions: ["conveyor-source"], alias: { "@conveyor/runtime": fileURLToPath(new URL("./src/index.ts", import.meta.url)) } },
  ssr: { resolve: { conditions: ["conveyor-source"] } },
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, env: { CONVEYOR_LOG_LEVEL: "silent", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
});
