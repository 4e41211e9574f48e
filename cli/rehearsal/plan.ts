import type { DemoDatasetOptions } from "../../lib/demo/build-demo-dataset";
import { seededRandom } from "../../lib/demo/seeded-random";

// What a rehearsal will do, decided from its seed before anything is sent: the teams, their skill, and every
// action each team takes, at seconds from the start. Pure, so the same seed plays the same contest.

/** The ways an entry reaches Podium. "web" is what the browser's form sends; "cli" runs `podium submit`. */
export const DOORS = ["web", "api", "upload", "cli", "legacy"] as const;
export type Door = (typeof DOORS)[number];

export const INVALID_PROBLEMS = ["unknown-gallery", "malformed-json", "missing-queries"] as const;
export type InvalidProblem = (typeof INVALID_PROBLEMS)[number];

export type PlannedAction =
  | { kind: "entry"; at: number; door: Door; entry: number; burst: boolean }
  | { kind: "invalid"; at: number; door: Door; problem: InvalidProblem }
  /** One entry more than the daily limit allows: must be refused. */
  | { kind: "over-quota"; at: number; door: Door }
  | { kind: "model"; at: number; encoder: number }
  | { kind: "select-finals"; at: number; count: number };

export interface PlannedTeam {
  index: number;
  name: string;
  /** 0..1: the chance a query's first answer is right, roughly. */
  skill: number;
  /** Registered with `podium team create` (else the API), and with a second member who joins by invite code. */
  registersWith: "api" | "cli";
  secondMember: boolean;
  /** Entries the team means to have accepted (results and models): the daily limit for the eager ones. */
  acceptedTarget: number;
  actions: PlannedAction[];
}

export interface RehearsalSettings {
  teams: number;
  durationSeconds: number;
  models: number;
  queries: number;
  seed: string;
}

export interface RehearsalPlan {
  settings: RehearsalSettings;
  dailyLimit: number;
  finalSelectionLimit: number;
  publicFraction: number;
  splitSeed: string;
  /** Fractions of the duration. */
  freezeAt: number;
  burstFrom: number;
  teams: PlannedTeam[];
  /** Teams that try once more after the end (every one must be refused), and the door each uses. */
  afterEnd: { team: number; door: Door }[];
}

export const REHEARSAL_DEFAULTS: RehearsalSettings = { teams: 30, durationSeconds: 300, models: 3, queries: 1455, seed: "podium-rehearsal" };

/** Baseline encoders the model entries cycle through (lib/demo/baseline-encoders.ts). */
export const MODEL_ENCODERS = 3;

const DAILY_LIMIT = 8;
const FREEZE_AT = 0.7;
const BURST_FROM = 0.9;
/** The burst ends a little before the end, so an entry sent in it is answered before the end. */
const BURST_TO = 0.97;

export function teamName(index: number): string {
  return `Team ${String(index + 1).padStart(2, "0")}`;
}

export function planRehearsal(settings: RehearsalSettings): RehearsalPlan {
  const random = seededRandom(`${settings.seed}/plan`);
  const duration = settings.durationSeconds;
  const at = (from: number, to: number) => Math.round(random.between(from, to) * duration * 1000) / 1000;
  const modelTeams = new Set(Array.from({ length: Math.min(settings.models, settings.teams) }, (_, m) => Math.floor((m * settings.teams) / Math.max(1, Math.min(settings.models, settings.teams)))));
  const teams: PlannedTeam[] = [];
  let doorTurn = 0;
  const nextDoor = (): Door => DOORS[doorTurn++ % DOORS.length]!;
  for (let index = 0; index < settings.teams; index++) {
    // A third of the teams use their whole daily limit and then try once more.
    const eager = index % 3 === 0;
    const acceptedTarget = eager ? DAILY_LIMIT : random.integer(3, DAILY_LIMIT - 2);
    const models = modelTeams.has(index) ? 1 : 0;
    // At least one entry before the burst, so there is something to select as a final.
    const bursts = Math.min(random.chance(0.5) ? 2 : 1, acceptedTarget - models - 1);
    const regular = acceptedTarget - models - bursts;
    const actions: PlannedAction[] = [];
    let entry = 0;
    for (let i = 0; i < models; i++) actions.push({ kind: "model", at: at(0.05, 0.35), encoder: (index + i) % MODEL_ENCODERS });
    const regularTimes = Array.from({ length: regular }, () => at(0.02, 0.86)).sort((a, b) => a - b);
    for (const time of regularTimes) actions.push({ kind: "entry", at: time, door: nextDoor(), entry: entry++, burst: false });
    const burstTimes = Array.from({ length: bursts }, () => at(BURST_FROM, BURST_TO - 0.02)).sort((a, b) => a - b);
    for (const time of burstTimes) actions.push({ kind: "entry", at: time, door: nextDoor(), entry: entry++, burst: true });
    if (eager) actions.push({ kind: "over-quota", at: Math.max(...burstTimes) + 0.001, door: nextDoor() });
    if (index % 4 === 1) actions.push({ kind: "invalid", at: at(0.05, 0.85), door: nextDoor(), problem: INVALID_PROBLEMS[(index >> 2) % INVALID_PROBLEMS.length]! });
    if (index % 2 === 0) actions.push({ kind: "select-finals", at: at(0.87, 0.89), count: random.chance(0.5) ? 2 : 1 });
    actions.sort((a, b) => a.at - b.at);
    teams.push({
      index,
      name: teamName(index),
      skill: Math.round(random.between(0.15, 0.9) * 1000) / 1000,
      registersWith: index % 4 === 2 ? "cli" : "api",
      secondMember: index % 3 === 1,
      acceptedTarget,
      actions,
    });
  }
  // Teams with entries left today, so that only the end can refuse them.
  const afterEndTeams = teams.filter((team) => team.acceptedTarget < DAILY_LIMIT).map((team) => team.index);
  const afterEnd = (["web", "legacy", "cli"] as const).slice(0, afterEndTeams.length).map((door, i) => ({ team: afterEndTeams[i]!, door }));
  return { settings, dailyLimit: DAILY_LIMIT, finalSelectionLimit: 2, publicFraction: 0.5, splitSeed: `${settings.seed}/split`, freezeAt: FREEZE_AT, burstFrom: BURST_FROM, teams, afterEnd };
}

/** Zones with offsets from −10 h to +13 h, in the order tried. */
const TIME_ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo", "Asia/Tokyo", "Pacific/Honolulu", "America/Los_Angeles", "Asia/Kathmandu", "Pacific/Auckland", "Africa/Nairobi", "Asia/Singapore"];

function minutesOfDay(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value("hour") * 60 + value("minute");
}

/**
 * A non-UTC zone in which the whole rehearsal falls on one calendar day, so the daily limit is one day's (a quota
 * day starts at midnight in the competition's zone).
 */
export function pickTimeZone(start: Date, durationSeconds: number, seed: string): string {
  const needMinutes = durationSeconds / 60 + 30;
  const zones = seededRandom(`${seed}/zone`).shuffle(TIME_ZONES);
  const fits = zones.find((zone) => {
    const minute = minutesOfDay(start, zone);
    return minute >= 5 && minute + needMinutes < 24 * 60;
  });
  if (!fits) throw new Error(`no time zone keeps a ${durationSeconds} s rehearsal within one day`);
  return fits;
}

/**
 * The rehearsal's dataset: the demo's generator at the contest's shape (one query photo and one portrait per person,
 * about 3 % more gallery-only people), small images so set-up stays quick, and a token training split.
 */
export function rehearsalDatasetOptions(settings: Pick<RehearsalSettings, "queries" | "seed">): DemoDatasetOptions {
  return {
    seed: settings.seed,
    identities: settings.queries,
    galleryStylesPerIdentity: 1,
    distractors: Math.max(1, Math.round(settings.queries * 0.031)),
    trainingIdentities: 10,
    trainingPhotos: 1,
    trainingPortraits: 1,
    image: { size: 64, quality: 80 },
  };
}
