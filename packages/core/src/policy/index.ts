export * from "./principal.js";
export * from "./access.js";
export * from "./output-mapping.js";
export * from "./data-template.js";
