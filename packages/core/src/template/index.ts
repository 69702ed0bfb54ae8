export * from "./file-name-template.js";
export { formatJoda, parseJoda, JODA_ALLOWED, type JodaToken, type ParsedJoda } from "./joda-format.js";
export { addCalendarDays, canonicalTimeZone, isValidTimeZone, wallTime, type WallTime } from "./time-zone.js";
