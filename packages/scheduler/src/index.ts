export * from "./cron.js";
export * from "./schedule.js";
export * from "./schedule-store.js";
export * from "./notifications.js";
export * from "./alerts.js";
export * from "./runner.js";
export * from "./scheduler.js";
export * from "./clock.js";
export { acquireLock, isAlive, type Lock } from "./lock.js";
