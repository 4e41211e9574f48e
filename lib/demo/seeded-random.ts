import { createRandom } from "../scoring/random";

/**
 * Seeded draws for the demo generator. Every value follows from the seed string (sfc32, shared with scoring), never
 * from Math.random, so the same seed renders byte-identical images. Each image derives its own stream from a
 * seed path (`<seed>/identity/7/photo/2`), which keeps its pixels independent of generation order and concurrency.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Uniform integer in [min, max], both included. */
  integer(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRandom(seed: string): SeededRandom {
  const next = createRandom(seed);
  const between = (min: number, max: number) => min + (max - min) * next();
  const integer = (min: number, max: number) => Math.floor(between(min, max + 1));
  return {
    next,
    between,
    integer,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError("cannot pick from an empty list");
      return items[integer(0, items.length - 1)]!;
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = integer(0, i);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
  };
}
