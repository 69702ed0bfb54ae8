import "reflect-metadata";

export * from "./schema.js";
export * from "./errors.js";
export * from "./retry.js";
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
export * from "./pipeline/run-pipeline.js";
export * from "./host/manifest.js";
export * from "./host/plugin-host.js";

// Plugin authors take the DI decorators from here: this module loads the reflect polyfill
// tsyringe needs before tsyringe itself.
export { inject, injectable } from "tsyringe";
export type { DependencyContainer } from "tsyringe";
