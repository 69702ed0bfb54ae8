import { defineConfig } from "vitest/config";

// End-to-end tests run the built `conveyor` command (turbo builds it first: test depends on ^build).
export default defineConfig({
  test: { include: ["e2e/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 60_000 },
});
