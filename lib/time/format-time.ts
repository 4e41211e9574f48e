// The one way Podium shows a time to a person: in the competition's time zone, with the zone's abbreviation, e.g.
// "4 Dec 2026, 14:00 CET". Pages, client components (in the browser), the CLI and refusal messages all use it;
// data (API JSON, CSV exports) keeps ISO 8601 timestamps.
//
// Pure and deterministic across Node and the browser: the date and time come from numeric parts (month names are
// ours, not ICU's, which differ between versions, e.g. en-GB "Sep" / "Sept"); only the zone's abbreviation comes from
// Intl. `Intl.DateTimeFormat` refuses `dateStyle`/`timeStyle` together with `timeZoneName`, so no style shortcut here.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

export interface FormatTimeOptions {
  /** Show seconds too (for logs and job timelines): "4 Dec 2026, 14:00:05 CET". */
  seconds?: boolean;
}

type Instant = Date | string | number;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function cached(cache: Map<string, Intl.DateTimeFormat>, key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let formatter = cache.get(key);
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter;
}

/** `zone` if it is a time zone this runtime knows, else "UTC" (a stored zone is validated; this is a last guard). */
function knownZone(zone: string | null | undefined): string {
  if (!zone) return "UTC";
  try {
    cached(partsFormatters, zone, () => numericFormatter(zone));
    return zone;
  } catch {
    return "UTC";
  }
}

function numericFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function zoneName(at: Date, timeZone: string): string {
  // en-GB names European zones (CET, CEST, GMT, BST), en-US American ones (EST, PDT); elsewhere both say GMT+5:30.
  let fallback = "";
  for (const locale of ["en-GB", "en-US"]) {
    const formatter = cached(zoneFormatters, `${locale} ${timeZone}`, () => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" }));
    const name = formatter.formatToParts(at).find((part) => part.type === "timeZoneName")?.value ?? "";
    if (name && !/^(GMT|UTC)[+-−]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback.replace("−", "-") || timeZone;
}

function toDate(at: Instant): Date | null {
  const date = at instanceof Date ? at : new Date(at);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "4 Dec 2026, 14:00 CET": `at` in `timeZone` (an IANA name), with the zone's abbreviation. */
export function formatTime(at: Instant, timeZone: string | null | undefined, options: FormatTimeOptions = {}): string {
  const date = toDate(at);
  if (!date) return "—";
  const zone = knownZone(timeZone);
  const parts = Object.fromEntries(cached(partsFormatters, zone, () => numericFormatter(zone)).formatToParts(date).map((part) => [part.type, part.value]));
  const month = MONTHS[Number(parts.month) - 1] ?? parts.month;
  const hour = parts.hour === "24" ? "00" : parts.hour;
  const clock = options.seconds ? `${hour}:${parts.minute}:${parts.second}` : `${hour}:${parts.minute}`;
  return `${Number(parts.day)} ${month} ${parts.year}, ${clock} ${zoneName(date, zone)}`;
}

/** formatTime, or `none` when there is no time. */
export function formatOptionalTime(at: Instant | null | undefined, timeZone: string | null | undefined, none = "not set", options: FormatTimeOptions = {}): string {
  return at === null || at === undefined ? none : formatTime(at, timeZone, options);
}
