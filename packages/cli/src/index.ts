export { main, VERSION } from "./main.js";
export type { CliIo } from "./io.js";
export { loadConfig, CONFIG_FILE, type ConveyorConfig } from "./config.js";
