/**
 * AMC's time texts: `yyyy-MM-ddTHH:mm:ssZ` in UTC for timestamps, `yyyy-MM-dd` for dates.
 */
export function amcTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19) + "Z";
}

export function amcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const AUDIENCE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?Z?$/;

/**
 * The audience window as the seed writes it (`2023-06-25T00:00:00`, no zone: UTC) or with a `Z`;
 * undefined when it is not a real date-time.
 */
export function parseAudienceTime(text: string): Date | undefined {
  const m = AUDIENCE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return date;
}
