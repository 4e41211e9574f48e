import { hashSeed } from "./random";

export interface SplitSettings {
  /** Fraction of evaluated queries on the public leaderboard, 0..1. */
  publicFraction: number;
  seed: string | number;
}

/**
 * Deterministic seeded public/private partition: queries are ordered by a seeded hash of their name (ties by
 * name) and the first round(fraction × n) are public. The same seed and names give the same split in any order.
 * Returns 1 for public, 0 for private, aligned with `names`.
 */
export function splitQueries(names: readonly string[], settings: SplitSettings): Uint8Array {
  const { publicFraction } = settings;
  if (!(publicFraction >= 0 && publicFraction <= 1)) throw new RangeError(`public fraction ${publicFraction} must be between 0 and 1`);
  const n = names.length;
  const isPublic = new Uint8Array(n);
  const publicCount = Math.round(publicFraction * n);
  if (publicCount === n) return isPublic.fill(1);
  if (publicCount === 0) return isPublic;
  const prefix = `${settings.seed}\u0000`;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [h1, h2] = hashSeed(prefix + names[i]);
    keys[i] = h1 * 2097152 + (h2 >>> 11); // 53 bits of the hash
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keys[a]! - keys[b]! || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  for (let i = 0; i < publicCount; i++) isPublic[order[i]!] = 1;
  return isPublic;
}
