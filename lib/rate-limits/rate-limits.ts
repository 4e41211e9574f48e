import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

// Named rate limits, counted in the database (table rate_limits, Prisma model RateLimiterFlexible) so that every
// web process — and the embedded PGlite server alike — shares one count. Add a limit here by name; callers only
// say which limit and which key.

/** Every limit Podium applies: points per window, per key. */
export const RATE_LIMITS = {
  /** New teams the legacy endpoint creates for one client address (THREATS.md: floods of legacy posts). */
  legacyTeamsPerAddress: { points: 5, durationSeconds: 60 * 60, what: "new teams from your address" },
  /** New legacy teams in one competition from all addresses: bounds a flood that rotates its addresses. */
  legacyTeamsPerCompetition: { points: 200, durationSeconds: 60 * 60, what: "new teams through /retrieval/" },
  /**
   * Failed sign-ins on one account from one address: past 10 in 15 minutes every attempt from there is refused, even
   * with the right password, until the window ends. Other addresses, open sessions and tokens are not affected, so a
   * rival cannot lock a team out before a deadline.
   */
  signInFailuresPerAccountAddress: { points: 10, durationSeconds: 15 * 60, what: "failed sign-ins on this account from your address" },
  /** Failed sign-ins on one account from everywhere: the slower, global brake on a distributed guesser. */
  signInFailuresPerAccount: { points: 100, durationSeconds: 60 * 60, what: "failed sign-ins on this account" },
  /** Sign-in attempts from one address on any accounts (password spraying). */
  signInAttemptsPerAddress: { points: 60, durationSeconds: 15 * 60, what: "sign-in attempts from your address" },
  /** New accounts from one address. */
  signUpsPerAddress: { points: 10, durationSeconds: 60 * 60, what: "sign-ups from your address" },
  /** API tokens one account creates (each mint is a database row and a secret to keep). */
  tokensPerUser: { points: 30, durationSeconds: 60 * 60, what: "new API tokens" },
  /** Model uploads one team starts (each may reserve gigabytes of storage until it completes or expires). */
  modelUploadsPerTeam: { points: 20, durationSeconds: 60 * 60, what: "model uploads started by your team" },
  /**
   * Refused entries (invalid results files, models that fail their checks) of one team: they use no quota, so this
   * is what bounds the scoring work and storage a team can spend on them, and probing by invalid files.
   */
  failedSubmissionsPerTeam: { points: 30, durationSeconds: 60 * 60, what: "refused entries from your team" },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; message: string };

const limitersByClient = new WeakMap<PodiumPrisma, Map<RateLimitName, RateLimiterPrisma>>();

function limiterFor(prisma: PodiumPrisma, name: RateLimitName): RateLimiterPrisma {
  let limiters = limitersByClient.get(prisma);
  if (!limiters) limitersByClient.set(prisma, (limiters = new Map()));
  let limiter = limiters.get(name);
  if (!limiter) {
    const { points, durationSeconds } = RATE_LIMITS[name];
    // tableName is the Prisma client's model accessor (the library calls prisma[tableName]), not the SQL table.
    limiter = new RateLimiterPrisma({ storeClient: prisma, tableName: "rateLimiterFlexible", keyPrefix: name, points, duration: durationSeconds });
    limiters.set(name, limiter);
  }
  return limiter;
}

function describeWait(seconds: number): string {
  return seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}

function describeWindow(seconds: number): string {
  return seconds % 3600 === 0 ? (seconds === 3600 ? "hour" : `${seconds / 3600} hours`) : describeWait(seconds);
}

function refusal(name: RateLimitName, msBeforeNext: number): RateLimitVerdict {
  const { points, durationSeconds, what } = RATE_LIMITS[name];
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return { allowed: false, retryAfterSeconds, message: `too many ${what}: at most ${points} per ${describeWindow(durationSeconds)}; try again in ${describeWait(retryAfterSeconds)}` };
}

/**
 * Whether `name`'s points for `key` are spent (refused, with when to retry) or not, counting nothing: to refuse
 * before expensive work, or on counts that only failures add to (sign-in).
 */
export async function rateLimitExhausted(prisma: PodiumPrisma, name: RateLimitName, key: string): Promise<RateLimitVerdict> {
  const state = await limiterFor(prisma, name).get(key);
  return state && state.consumedPoints >= RATE_LIMITS[name].points ? refusal(name, state.msBeforeNext) : { allowed: true };
}

/** Throws a 429 RATE_LIMITED AppError, with Retry-After, for a refused verdict. */
export function throwIfRefused(verdict: RateLimitVerdict): void {
  if (!verdict.allowed) throw new AppError("RATE_LIMITED", verdict.message, { retryAfterSeconds: verdict.retryAfterSeconds });
}

/** Counts one use of `name` for `key`; refused (with when to retry) once the window's points are spent. */
export async function consumeRateLimit(prisma: PodiumPrisma, name: RateLimitName, key: string): Promise<RateLimitVerdict> {
  try {
    await limiterFor(prisma, name).consume(key);
    return { allowed: true };
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error; // the database failed: not a verdict
    return refusal(name, error.msBeforeNext);
  }
}
