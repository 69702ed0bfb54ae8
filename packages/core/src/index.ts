import "reflect-metadata";

export * from "./schema.js";
export * from "./errors.js";
export * from "./retry.js";
export * from "./http-request.js";
export * from "./tokens.js";
export * from "./services.js";
export * from "./contracts.js";
export * from "./plugin.js";
export * from "./settings/problems.js";
export * from "./settings/references.js";
export * from "./settings/validate.js";
export * from "./settings/json-schema.js";
export * from "./pipeline/naming.js";
export * from "./pipeline/measure.js";
export * from "./pipeline/sinks.js";
export * from "./pipeline/identity.js";
export * from "./pipeline/json-lines.js";
export * from "./pipeline/gzip.js";
export * from "./pipeline/run-pipeline.js";
export * from "./pipeline/stage-chain.js";
export * from "./pipeline/stage-context.js";
export * from "./pipeline/success-file.js";
export * from "./host/manifest.js";
export * from "./host/plugin-host.js";

// Plugin authors take the DI decorators from here: this module loads the reflect polyfill
// tsyringe needs before tsyringe itself.
export { inject, injectable } from "tsyringe";
export type { DependencyContainer } from "tsyringe";

export * from "./template/index.js";
export * from "./policy/index.js";
export * from "./job/job-schema.js";
export * from "./job/validate-job.js";
export * from "./run/run-record.js";
export * from "./run/run-store.js";
export * from "./run/run-tracker.js";
export * from "./run/run-context.js";
export * from "./run/run-job.js";

// Settings schemas are zod 4; plugin authors use this `z` so host and plugin agree on one zod.
export { z } from "zod";
