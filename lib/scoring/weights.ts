import type { Outcome, WeightTerm } from "./types";

/** The contest's default: 600 for a correct first answer, 300 within five, 100 within ten (cumulative, max 1000). */
export const DEFAULT_WEIGHTS: readonly WeightTerm[] = Object.freeze([
  { k: 1, weight: 600 },
  { k: 5, weight: 300 },
  { k: 10, weight: 100 },
]);

/** Largest k a competition may configure; ranked lists may be at most max(10, largest k) long. */
export const MAX_K = 100;

/** Parses `1:600,5:300,10:100` into terms sorted by k; every bad term is named in the error. */
export function parseWeights(text: string): Outcome<WeightTerm[], string> {
  const parts = text.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (parts.length === 0) return { ok: false, error: `weights "${text}" are empty: expected k:weight pairs such as 1:600,5:300,10:100` };
  const terms: WeightTerm[] = [];
  for (const part of parts) {
    const match = /^(\d+)\s*:\s*(-?\d+(?:\.\d+)?)$/.exec(part);
    if (!match) return { ok: false, error: `weight term "${part}" is not of the form k:weight (for example 5:300)` };
    const k = Number(match[1]);
    const weight = Number(match[2]);
    terms.push({ k, weight });
  }
  return checkWeights(terms);
}

/** Checks terms from any source (flag, database, form): k in 1..MAX_K and unique, weights finite and non-negative. */
export function checkWeights(terms: readonly WeightTerm[]): Outcome<WeightTerm[], string> {
  if (terms.length === 0) return { ok: false, error: "at least one k:weight term is needed" };
  const seen = new Set<number>();
  for (const { k, weight } of terms) {
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) return { ok: false, error: `k=${k} is out of range: k must be a whole number from 1 to ${MAX_K}` };
    if (seen.has(k)) return { ok: false, error: `k=${k} appears twice in the weights` };
    if (!Number.isFinite(weight) || weight < 0) return { ok: false, error: `weight ${weight} for k=${k} must be a finite number ≥ 0` };
    seen.add(k);
  }
  return { ok: true, value: [...terms].sort((a, b) => a.k - b.k) };
}

export function formatWeights(terms: readonly WeightTerm[]): string {
  return terms.map(({ k, weight }) => `${k}:${weight}`).join(",");
}

/** Maximum achievable score: a correct first answer earns every term. */
export function maxScore(terms: readonly WeightTerm[]): number {
  return terms.reduce((sum, term) => sum + term.weight, 0);
}

/** Longest list a submission may give for one query. */
export function maxListLength(terms: readonly WeightTerm[]): number {
  return Math.max(10, ...terms.map((term) => term.k));
}
