export * from "./fixtures/customers.js";
export * from "./aws/index.js";
export * from "./amc/index.js";
export * from "./emulators.js";
export * from "./exports/index.js";
export { runTool } from "./tools/system-tool.js";
