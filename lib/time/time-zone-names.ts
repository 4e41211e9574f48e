import { isKnownTimeZone } from "./zoned-wall-time";

// The IANA zones a person picks a competition's zone from. Intl.supportedValuesOf("timeZone") gives ICU's canonical
// names, some of which are the ones IANA renamed long ago (Asia/Calcutta, Europe/Kiev) and it leaves out UTC; people
// look for the current names, so those replace the old ones wherever this runtime knows them.

const CURRENT_NAMES: Record<string, string> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** Every zone to offer, sorted, with UTC and `current` (the competition's zone, whatever its spelling) included. */
export function listTimeZones(current?: string): string[] {
  const supported = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const names = new Set(supported.map((name) => (CURRENT_NAMES[name] && isKnownTimeZone(CURRENT_NAMES[name]) ? CURRENT_NAMES[name] : name)));
  names.add("UTC");
  if (current && isKnownTimeZone(current)) names.add(current);
  return [...names].sort((a, b) => (a === "UTC" ? -1 : b === "UTC" ? 1 : a.localeCompare(b, "en")));
}
