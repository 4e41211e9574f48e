import { isWallTime, instantToWallTime, isKnownTimeZone, wallTimeToInstant } from "../time/zoned-wall-time";
import { SETTING_FORM_FIELDS, competitionUpdateSchema, type CompetitionUpdate, type presentCompetition } from "./competition-settings";

// The organizer dashboard's settings form as plain data, shared by the form (components/competition-settings-form.tsx,
// which checks as the organizer types) and its server action (server/actions/competition-actions.ts, which checks
// again before saving): what each control posts, how a post becomes a CompetitionUpdate through the one settings
// schema, and every error by field. No React, no Next: the browser and the server run the same checks.

export type SettingName = (typeof SETTING_FORM_FIELDS)[number]["name"] | "description" | "rules";

/** What the form holds: one string per setting, as typed (times as wall time in `timeZone`, on/off as "true"/"false"). */
export type SettingsFormValues = Partial<Record<SettingName, string>>;

/** One problem with the form: `field` null for one about the whole save (a refused rescore, a permission). */
export interface SettingsFormError {
  field: SettingName | null;
  message: string;
}

/** What the server action returns to useActionState: on failure every error and the values as they were typed. */
export interface SettingsFormState {
  ok: boolean;
  errors: SettingsFormError[];
  values: SettingsFormValues | null;
}

export const SETTING_NAMES = [...SETTING_FORM_FIELDS.map((field) => field.name), "description", "rules"] as const satisfies readonly SettingName[];

/** Date-time pickers: wall time in the competition's zone; empty for none. */
export const WALL_TIME_SETTINGS = ["startsAt", "endsAt", "freezeAt"] as const satisfies readonly SettingName[];
/** Toggles: a hidden "false" before the checkbox's "true", so an unticked box still says so. */
export const TOGGLE_SETTINGS = ["allowPartial", "registrationOpen"] as const satisfies readonly SettingName[];
/** Number fields where empty means none (no limit, ladder off). */
const OPTIONAL_NUMBER_SETTINGS = ["dailyLimit", "totalLimit", "ladderThreshold"] as const satisfies readonly SettingName[];
/** Settings that cannot be left empty (the schema would read an empty number as 0). */
const REQUIRED_SETTINGS = ["title", "timeZone", "weights", "teamSize", "publicFraction", "splitSeed", "finalSelectionLimit", "modelSizeLimit"] as const satisfies readonly SettingName[];

export const SUBMISSION_KIND_OPTIONS = [
  { value: "results", label: "Results files" },
  { value: "model", label: "Models (ONNX encoders)" },
] as const;

/** The choices of each select, with what each means. */
export const SETTING_OPTIONS = {
  legacyEndpoint: [
    { value: "off", label: "Off" },
    { value: "open", label: "Open: the groupname names the team" },
    { value: "token", label: "Token: a team token is required" },
  ],
  leaderboard: [
    { value: "public", label: "Public" },
    { value: "hidden", label: "Hidden until the reveal" },
    { value: "frozen", label: "Frozen at the freeze time" },
  ],
  teamAnalysis: [
    { value: "off", label: "Off" },
    { value: "after-end", label: "After the end" },
    { value: "during", label: "During the contest" },
  ],
} as const satisfies Partial<Record<SettingName, readonly { value: string; label: string }[]>>;

const FIELD_LABELS: Record<SettingName, string> = { ...Object.fromEntries(SETTING_FORM_FIELDS.map((field) => [field.name, field.label])), description: "Description", rules: "Rules" } as Record<SettingName, string>;

/** The label the form shows for a setting ("Public fraction"). */
export function settingLabel(name: SettingName): string {
  return FIELD_LABELS[name] ?? name;
}

/** An error as one line: "Public fraction: must be between 0 and 1". */
export function describeSettingsError(error: SettingsFormError): string {
  return error.field ? `${settingLabel(error.field)}: ${error.message}` : error.message;
}

const BYTE_SIZES: [string, number][] = [
  ["GB", 1e9],
  ["GiB", 1024 ** 3],
  ["MB", 1e6],
  ["MiB", 1024 ** 2],
  ["kB", 1e3],
  ["KiB", 1024],
];

/** A byte count as the form shows it: "4GB" or "500MiB" when it divides evenly, else the number of bytes. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of BYTE_SIZES) if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

type OrganizerView = ReturnType<typeof presentCompetition>;

/** The form's starting values for a competition as organizers see it (presentCompetition): times in its zone. */
export function settingsFormValues(view: OrganizerView): Required<SettingsFormValues> {
  const wall = (at: string | null) => (at ? instantToWallTime(at, view.timeZone) : "");
  const optional = (value: number | null) => (value === null ? "" : String(value));
  return {
    title: view.title,
    description: view.description,
    rules: view.rules,
    timeZone: view.timeZone,
    startsAt: wall(view.startsAt),
    endsAt: wall(view.endsAt),
    weights: view.weights,
    submissionKinds: view.submissionKinds.join(","),
    dailyLimit: optional(view.dailyLimit),
    totalLimit: optional(view.totalLimit),
    teamSize: String(view.teamSize),
    publicFraction: String(view.publicFraction),
    splitSeed: "splitSeed" in view ? view.splitSeed : "",
    finalSelectionLimit: String(view.finalSelectionLimit),
    allowPartial: String(view.allowPartial),
    legacyEndpoint: view.legacyEndpoint,
    leaderboard: view.leaderboard,
    freezeAt: wall(view.freezeAt),
    registrationOpen: String(view.registrationOpen),
    modelSizeLimit: formatByteSize(view.modelSizeLimit),
    teamAnalysis: view.teamAnalysis,
    ladderThreshold: optional(view.ladderThreshold),
  };
}

/**
 * The settings a form post carries, as typed; a setting missing from the post is left out (and left unchanged).
 * Checkbox groups post a hidden empty marker first, so "no box ticked" is told apart from "not in the form".
 */
export function readSettingsForm(form: FormData): SettingsFormValues {
  const values: SettingsFormValues = {};
  for (const name of SETTING_NAMES) {
    const posted = form.getAll(name).filter((value): value is string => typeof value === "string");
    if (posted.length === 0) continue;
    if (name === "submissionKinds") values[name] = posted.filter((value) => value.trim() !== "").join(",");
    else if ((TOGGLE_SETTINGS as readonly string[]).includes(name)) values[name] = posted.at(-1)!;
    else values[name] = posted[0]!;
  }
  return values;
}

export type SettingsFormCheck = { ok: true; update: CompetitionUpdate } | { ok: false; errors: SettingsFormError[] };

/**
 * Checks what the form holds with the one settings schema, and returns the update or every error by field. Times
 * may be wall times in the posted `timeZone` (what the date-time pickers give), ISO instants with an offset, or
 * empty/"none" for none; the end must come after the start.
 */
export function checkSettingsForm(values: SettingsFormValues): SettingsFormCheck {
  const errors: SettingsFormError[] = [];
  const input: Record<string, unknown> = {};
  const zone = values.timeZone?.trim();
  for (const name of SETTING_NAMES) {
    const value = values[name];
    if (value === undefined) continue;
    const blank = value.trim() === "";
    if (blank && (REQUIRED_SETTINGS as readonly string[]).includes(name)) {
      errors.push({ field: name, message: "must not be empty" });
      continue;
    }
    if ((WALL_TIME_SETTINGS as readonly string[]).includes(name)) {
      if (blank || value.trim().toLowerCase() === "none") input[name] = null;
      else if (!isWallTime(value)) input[name] = value;
      else if (zone === undefined) errors.push({ field: name, message: "a date and time without an offset needs the time zone too" });
      else if (!isKnownTimeZone(zone)) errors.push({ field: name, message: "needs a valid time zone" });
      else {
        const outcome = wallTimeToInstant(value, zone);
        if (outcome.ok) input[name] = outcome.at.toISOString();
        else errors.push({ field: name, message: outcome.error });
      }
    } else if (blank && (OPTIONAL_NUMBER_SETTINGS as readonly string[]).includes(name)) {
      input[name] = null;
    } else {
      input[name] = value;
    }
  }
  const parsed = competitionUpdateSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "") as SettingName;
      errors.push({ field: (SETTING_NAMES as readonly string[]).includes(field) ? field : null, message: issue.message });
    }
  }
  const startsAt = typeof input.startsAt === "string" ? Date.parse(input.startsAt) : NaN;
  const endsAt = typeof input.endsAt === "string" ? Date.parse(input.endsAt) : NaN;
  if (endsAt <= startsAt) errors.push({ field: "endsAt", message: "must be after the start" });
  if (errors.length > 0 || !parsed.success) return { ok: false, errors: orderByField(errors) };
  return { ok: true, update: parsed.data };
}

/** Errors in the order the form shows its fields, whole-form ones first; one message per field and text. */
function orderByField(errors: SettingsFormError[]): SettingsFormError[] {
  const rank = (field: SettingName | null) => (field === null ? -1 : SETTING_NAMES.indexOf(field as (typeof SETTING_NAMES)[number]));
  const seen = new Set<string>();
  return errors
    .filter((error) => {
      const key = `${error.field} ${error.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => rank(a.field) - rank(b.field));
}
