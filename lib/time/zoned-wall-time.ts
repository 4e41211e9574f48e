// Wall time in a named time zone ("2026-12-01T14:00" in Asia/Kolkata) to and from an exact instant, the way an
// organizer types a schedule into `<input type="datetime-local">`. Pure, and the same in Node and the browser: the
// zone's offset comes from Intl, never from the machine's own zone.
//
// A wall time that daylight saving skips (02:30 on the morning New York springs forward) or repeats (01:30 on the
// morning it falls back) is resolved as Temporal's "compatible" disambiguation does — a skipped time moves forward
// by the gap, a repeated one takes the earlier instant — and the result says which happened, so a form can say so.

const DAY_MS = 24 * 60 * 60_000;

/** "YYYY-MM-DDTHH:mm", optionally with ":ss" and milliseconds: what a datetime-local input gives. */
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

export type WallTimeOutcome =
  | {
      ok: true;
      at: Date;
      /** "exact" when the wall time happens once; "skipped" and "repeated" around a daylight-saving change. */
      kind: "exact" | "skipped" | "repeated";
    }
  | { ok: false; error: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", era: "short", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether this runtime knows `timeZone` as an IANA zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds since the epoch of a wall clock reading taken as if it were UTC (any year, no two-digit-year quirk). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** The wall clock in `timeZone` at `epochMs`, as UTC milliseconds (seconds precision, then the instant's own ms). */
function wallMsAt(timeZone: string, epochMs: number): number {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const year = parts.era === "BC" || parts.era === "B" ? 1 - Number(parts.year) : Number(parts.year);
  const hour = Number(parts.hour) % 24;
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return utcMs(year, Number(parts.month), Number(parts.day), hour, Number(parts.minute), Number(parts.second), ms);
}

/** The zone's offset from UTC at `epochMs`, in milliseconds (+5:30 → 19 800 000). */
export function zoneOffsetMs(timeZone: string, epochMs: number): number {
  return wallMsAt(timeZone, epochMs) - epochMs;
}

/**
 * The instant a wall time in `timeZone` names. `wallTime` is what a datetime-local input holds: "2026-12-01T14:00"
 * (seconds optional). Offsets are taken a day either side, so a zone may change its offset at most once in two days.
 */
export function wallTimeToInstant(wallTime: string, timeZone: string): WallTimeOutcome {
  const match = WALL_TIME.exec(wallTime.trim());
  if (!match) return { ok: false, error: "must be a date and time such as 2026-12-01T14:00" };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const wall = utcMs(year, month, day, hour, minute, second, Number((match[7] ?? "").padEnd(3, "0")));
  const check = new Date(wall);
  if (check.getUTCMonth() + 1 !== month || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return { ok: false, error: `${wallTime.trim()} is not a real date and time` };
  if (!isKnownTimeZone(timeZone)) return { ok: false, error: `"${timeZone}" is not a time zone this system knows` };

  const before = zoneOffsetMs(timeZone, wall - DAY_MS);
  const after = zoneOffsetMs(timeZone, wall + DAY_MS);
  const candidates = [...new Set([wall - before, wall - after])].filter((at) => wallMsAt(timeZone, at) === wall).sort((a, b) => a - b);
  if (candidates.length === 0) {
    // Skipped: read it with the offset from before the change, which lands the same distance past the gap.
    return { ok: true, at: new Date(wall - before), kind: "skipped" };
  }
  return { ok: true, at: new Date(candidates[0]!), kind: candidates.length > 1 ? "repeated" : "exact" };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * The wall time in `timeZone` at `at`, as a datetime-local input's value: "2026-12-01T14:00", with ":ss" (and
 * ".SSS") only when the instant has them, so that saving a form unchanged leaves the instant as it was. An unknown zone reads as UTC (a stored zone is validated; this is a last guard).
 */
export function instantToWallTime(at: Date | string | number, timeZone: string): string {
  const epochMs = (at instanceof Date ? at : new Date(at)).getTime();
  if (Number.isNaN(epochMs)) return "";
  const wall = new Date(wallMsAt(isKnownTimeZone(timeZone) ? timeZone : "UTC", epochMs));
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const seconds = wall.getUTCSeconds();
  const ms = wall.getUTCMilliseconds();
  return `${date}T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}${seconds || ms ? `:${pad(seconds)}` : ""}${ms ? `.${pad(ms, 3)}` : ""}`;
}

/** Whether `text` is a wall time (no zone offset), as opposed to an ISO instant such as …Z or …+01:00. */
export function isWallTime(text: string): boolean {
  return WALL_TIME.test(text.trim());
}
