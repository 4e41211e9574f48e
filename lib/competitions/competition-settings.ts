import { z } from "zod";
import { checkWeights, formatWeights, parseWeights } from "../scoring/weights";
import type { WeightTerm } from "../scoring/types";

// One schema for a competition's settings, shared by the API, the organizer form and the CLI (whose flags are
// these names in kebab case: publicFraction → --public-fraction).

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const instant = z
  .string()
  .trim()
  .refine((text) => /(Z|[+-]\d{2}:?\d{2})$/i.test(text) && !Number.isNaN(Date.parse(text)), "must be an ISO 8601 time with a zone offset, e.g. 2026-12-01T14:00:00+01:00 or …Z")
  .transform((text) => new Date(text));

/** "none" (or null) clears an optional setting. */
const orNone = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "none" || value === null ? null : value), schema.nullable());

const limit = orNone(
  z.preprocess((value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value), z.number({ message: "must be a whole number or none" }).int("must be a whole number").min(1, "must be at least 1 (or none)").max(1_000_000)),
);

const flag = z.preprocess(
  (value) => (typeof value === "string" ? ({ true: true, yes: true, "1": true, false: false, no: false, "0": false } as Record<string, boolean>)[value.toLowerCase()] ?? value : value),
  z.boolean({ message: "must be true or false" }),
);

const weights = z.union([z.string(), z.array(z.object({ k: z.number(), weight: z.number() }))], { message: "must be k:weight terms such as 1:600,5:300,10:100" }).transform((value, context): WeightTerm[] => {
  const checked = typeof value === "string" ? parseWeights(value) : checkWeights(value);
  if (!checked.ok) {
    context.addIssue({ code: "custom", message: checked.error });
    return z.NEVER;
  }
  return checked.value;
});

const submissionKinds = z.union([z.string(), z.array(z.string())], { message: "must be results, model or results,model" }).transform((value, context) => {
  const items = (typeof value === "string" ? value.split(",") : value).map((item) => item.trim().toLowerCase()).filter(Boolean);
  const kinds = new Set<"RESULTS" | "MODEL">();
  for (const item of items) {
    if (item === "results" || item === "results-file") kinds.add("RESULTS");
    else if (item === "model" || item === "models") kinds.add("MODEL");
    else {
      context.addIssue({ code: "custom", message: `unknown submission kind "${item}" (use results, model or both)` });
      return z.NEVER;
    }
  }
  if (kinds.size === 0) {
    context.addIssue({ code: "custom", message: "accept at least one kind: results, model" });
    return z.NEVER;
  }
  return [...kinds];
});

/** A non-negative number of score points, or "none"/"off" (and an empty field) for no ladder. */
const ladderThreshold = z.preprocess(
  (value) => (value === null || (typeof value === "string" && ["", "none", "off"].includes(value.trim().toLowerCase())) ? null : typeof value === "string" ? Number(value) : value),
  z.number({ message: "must be a number of score points, or off" }).positive("must be above 0 (or off)").max(1000, "must be at most 1000 (scores run from 0 to 1000)").nullable(),
);

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
const byteSize = z.union([z.number(), z.string()], { message: "must be a size such as 4GB" }).transform((value, context) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(value));
  const unit = (match?.[2] || "b").toLowerCase();
  if (!match || BYTE_UNITS[unit] === undefined) {
    context.addIssue({ code: "custom", message: `"${value}" is not a size such as 4GB or 500MiB` });
    return z.NEVER;
  }
  return BigInt(Math.round(Number(match[1]) * BYTE_UNITS[unit]!));
});

export const competitionSettingsSchema = z.object({
  title: z.string().trim().min(1, "must not be empty").max(200),
  description: z.string().max(100_000),
  rules: z.string().max(100_000),
  timeZone: z.string().trim().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin or UTC"),
  startsAt: orNone(instant),
  endsAt: orNone(instant),
  weights,
  submissionKinds,
  dailyLimit: limit,
  totalLimit: limit,
  teamSize: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be between 1 and 100").max(100, "must be between 1 and 100"),
  publicFraction: z.coerce.number({ message: "must be a number between 0 and 1" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1"),
  splitSeed: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  finalSelectionLimit: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be between 1 and 20").max(20, "must be between 1 and 20"),
  allowPartial: flag,
  legacyEndpoint: z.enum(["off", "open", "token"], { message: "must be off, open or token" }),
  leaderboard: z.enum(["public", "hidden", "frozen"], { message: "must be public, hidden or frozen" }),
  freezeAt: orNone(instant),
  registrationOpen: flag,
  modelSizeLimit: byteSize,
  teamAnalysis: z.enum(["off", "after-end", "during"], { message: "must be off, after-end or during" }),
  ladderThreshold,
});

export const competitionUpdateSchema = competitionSettingsSchema.partial();

export const competitionCreateSchema = competitionUpdateSchema.extend({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be 2 to 63 lowercase letters, digits or dashes, starting with a letter or digit"),
  title: competitionSettingsSchema.shape.title,
  /** A rehearsal (`podium rehearse`): unlisted, and deleted without --force. Fixed at creation. */
  rehearsal: z.boolean().optional(),
});

export type CompetitionUpdate = z.infer<typeof competitionUpdateSchema>;
export type CompetitionCreate = z.infer<typeof competitionCreateSchema>;

/**
 * How the organizer form (components/competition-settings-form.tsx) labels each setting, with a hint of what it
 * takes, in the form's order and groups; its controls and their parsing live in lib/competitions/settings-form.ts.
 */
export const SETTING_FORM_FIELDS = [
  { name: "title", label: "Title", group: "General" },
  { name: "registrationOpen", label: "Registration open", hint: "new teams may register", group: "General" },
  { name: "teamSize", label: "Team size", hint: "1 to 100 members", group: "General" },
  { name: "timeZone", label: "Time zone", hint: "the times below are in this zone", group: "Schedule" },
  { name: "startsAt", label: "Starts at", hint: "empty: no start", group: "Schedule" },
  { name: "endsAt", label: "Ends at", hint: "empty: no end", group: "Schedule" },
  { name: "submissionKinds", label: "Submission kinds", hint: "at least one", group: "Submissions" },
  { name: "dailyLimit", label: "Daily limit per team", hint: "empty: no limit", group: "Submissions" },
  { name: "totalLimit", label: "Total limit per team", hint: "empty: no limit", group: "Submissions" },
  { name: "finalSelectionLimit", label: "Final selections per team", hint: "1 to 20", group: "Submissions" },
  { name: "modelSizeLimit", label: "Model size limit", hint: "bytes, or e.g. 4GB or 500MiB", group: "Submissions" },
  { name: "legacyEndpoint", label: "Legacy endpoint", hint: "POST /retrieval/ for the original client", group: "Submissions" },
  { name: "weights", label: "Scoring weights", hint: "k:weight terms, cumulative, e.g. 1:600,5:300,10:100", group: "Scoring" },
  { name: "publicFraction", label: "Public fraction", hint: "0 to 1: the share of queries on the public board", group: "Scoring" },
  { name: "splitSeed", label: "Split seed", hint: "decides which queries are public", group: "Scoring" },
  { name: "allowPartial", label: "Allow partial submissions", hint: "lists may leave queries out", group: "Scoring" },
  { name: "leaderboard", label: "Leaderboard", group: "Leaderboard" },
  { name: "freezeAt", label: "Freeze at", hint: "the public board stops moving; empty: never", group: "Leaderboard" },
  { name: "ladderThreshold", label: "Ladder threshold", hint: "score points; empty: off", group: "Leaderboard" },
  { name: "teamAnalysis", label: "Visual analysis for teams", hint: "public queries only", group: "Leaderboard" },
] as const satisfies readonly { name: string; label: string; hint?: string; group: string }[];

/** The setting names, for the CLI's flags and the form. */
export const COMPETITION_SETTING_NAMES = Object.keys(competitionSettingsSchema.shape) as (keyof CompetitionUpdate)[];

export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Settings that change what a score means: once entries are scored, changing one is refused unless the organizer
 * confirms a rescore of every entry (lib/competitions/rescore-entries.ts). The active dataset version is the other
 * such setting (lib/datasets/dataset-versions.ts activateDatasetVersion).
 */
export const SCORE_MEANING_SETTINGS = ["splitSeed", "publicFraction", "weights", "allowPartial"] as const satisfies readonly (keyof CompetitionUpdate)[];

const TEAM_ANALYSIS = { off: "OFF", "after-end": "AFTER_END", during: "DURING" } as const;
const TEAM_ANALYSIS_NAME = { OFF: "off", AFTER_END: "after-end", DURING: "during" } as const;

const VISIBILITY = { public: "PUBLIC", hidden: "HIDDEN_UNTIL_REVEAL", frozen: "FROZEN" } as const;
const VISIBILITY_NAME = { PUBLIC: "public", HIDDEN_UNTIL_REVEAL: "hidden", FROZEN: "frozen" } as const;

/** Database columns for validated settings (only the ones given). */
export function settingsToColumns(settings: CompetitionUpdate) {
  return {
    ...(settings.title !== undefined && { title: settings.title }),
    ...(settings.description !== undefined && { description: settings.description }),
    ...(settings.rules !== undefined && { rules: settings.rules }),
    ...(settings.timeZone !== undefined && { timeZone: settings.timeZone }),
    ...(settings.startsAt !== undefined && { startsAt: settings.startsAt }),
    ...(settings.endsAt !== undefined && { endsAt: settings.endsAt }),
    ...(settings.weights !== undefined && { scoringWeights: settings.weights.map((term) => ({ k: term.k, weight: term.weight })) }),
    ...(settings.submissionKinds !== undefined && { submissionKinds: settings.submissionKinds }),
    ...(settings.dailyLimit !== undefined && { dailyLimit: settings.dailyLimit }),
    ...(settings.totalLimit !== undefined && { totalLimit: settings.totalLimit }),
    ...(settings.teamSize !== undefined && { teamSizeLimit: settings.teamSize }),
    ...(settings.publicFraction !== undefined && { publicFraction: settings.publicFraction }),
    ...(settings.splitSeed !== undefined && { splitSeed: settings.splitSeed }),
    ...(settings.finalSelectionLimit !== undefined && { finalSelectionLimit: settings.finalSelectionLimit }),
    ...(settings.allowPartial !== undefined && { allowPartial: settings.allowPartial }),
    ...(settings.legacyEndpoint !== undefined && { legacyEndpointMode: settings.legacyEndpoint.toUpperCase() as "OFF" | "OPEN" | "TOKEN" }),
    ...(settings.leaderboard !== undefined && { leaderboardVisibility: VISIBILITY[settings.leaderboard] }),
    ...(settings.freezeAt !== undefined && { freezeAt: settings.freezeAt }),
    ...(settings.registrationOpen !== undefined && { registrationOpen: settings.registrationOpen }),
    ...(settings.modelSizeLimit !== undefined && { modelSizeLimitBytes: settings.modelSizeLimit }),
    ...(settings.teamAnalysis !== undefined && { teamAnalysis: TEAM_ANALYSIS[settings.teamAnalysis] }),
    ...(settings.ladderThreshold !== undefined && { ladderThreshold: settings.ladderThreshold }),
  };
}

export interface CompetitionRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  rules: string;
  timeZone: string;
  startsAt: Date | null;
  endsAt: Date | null;
  scoringWeights: unknown;
  submissionKinds: ("RESULTS" | "MODEL")[];
  dailyLimit: number | null;
  totalLimit: number | null;
  teamSizeLimit: number;
  publicFraction: number;
  splitSeed: string;
  finalSelectionLimit: number;
  allowPartial: boolean;
  legacyEndpointMode: "OFF" | "OPEN" | "TOKEN";
  isLegacyDefault: boolean;
  rehearsal: boolean;
  leaderboardVisibility: "PUBLIC" | "HIDDEN_UNTIL_REVEAL" | "FROZEN";
  freezeAt: Date | null;
  revealedAt: Date | null;
  registrationOpen: boolean;
  modelSizeLimitBytes: bigint;
  activeDatasetVersionId: string | null;
  teamAnalysis: "OFF" | "AFTER_END" | "DURING";
  ladderThreshold: number | null;
}

/**
 * A competition as the API shows it. The split seed decides which queries are private, so only organizers see it.
 */
export function presentCompetition(row: CompetitionRow, audience: "public" | "organizer") {
  const view = {
    slug: row.slug,
    title: row.title,
    description: row.description,
    rules: row.rules,
    timeZone: row.timeZone,
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    weights: formatWeights(row.scoringWeights as WeightTerm[]),
    submissionKinds: row.submissionKinds.map((kind) => kind.toLowerCase()),
    dailyLimit: row.dailyLimit,
    totalLimit: row.totalLimit,
    teamSize: row.teamSizeLimit,
    publicFraction: row.publicFraction,
    finalSelectionLimit: row.finalSelectionLimit,
    allowPartial: row.allowPartial,
    legacyEndpoint: row.legacyEndpointMode.toLowerCase(),
    leaderboard: VISIBILITY_NAME[row.leaderboardVisibility],
    freezeAt: row.freezeAt?.toISOString() ?? null,
    revealedAt: row.revealedAt?.toISOString() ?? null,
    registrationOpen: row.registrationOpen,
    modelSizeLimit: Number(row.modelSizeLimitBytes),
    hasActiveDataset: row.activeDatasetVersionId !== null,
    teamAnalysis: TEAM_ANALYSIS_NAME[row.teamAnalysis],
    ladderThreshold: row.ladderThreshold,
    rehearsal: row.rehearsal,
  };
  return audience === "organizer" ? { ...view, splitSeed: row.splitSeed, isLegacyDefault: row.isLegacyDefault } : view;
}
