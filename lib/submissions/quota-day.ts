// Quota days are calendar days in the competition's time zone.
import { formatTime } from "../time/format-time";

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`. */
export function quotaDayOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** Offset of `timeZone` from UTC at `at`, in minutes (e.g. +60 for Europe/Berlin in winter). */
function offsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  const asUtc = Date.UTC(value("year"), value("month") - 1, value("day"), value("hour"), value("minute"), value("second"));
  return Math.round((asUtc - at.getTime()) / 60000);
}

/** The instant the next quota day starts (midnight in `timeZone` after `at`). */
export function nextQuotaReset(at: Date, timeZone: string): Date {
  const [year, month, day] = quotaDayOf(at, timeZone).split("-").map(Number) as [number, number, number];
  const midnightGuess = Date.UTC(year, month - 1, day + 1);
  // Correct for the zone's offset at that midnight (twice, in case it changes across the day).
  let instant = midnightGuess - offsetMinutes(new Date(midnightGuess), timeZone) * 60000;
  instant = midnightGuess - offsetMinutes(new Date(instant), timeZone) * 60000;
  return new Date(instant);
}

/** `at` as people read it in `timeZone` (quota refusals, schedule refusals): lib/time/format-time's one format. */
export function formatInZone(at: Date, timeZone: string): string {
  return formatTime(at, timeZone);
}
