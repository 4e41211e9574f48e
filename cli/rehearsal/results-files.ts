import { seededRandom } from "../../lib/demo/seeded-random";
import type { InvalidProblem } from "./plan";

// Results files of a rehearsal's teams: a team of skill s puts a right answer first for about s of the queries,
// within the top 5 or 10 for some more, and fills the rest with other gallery files. Each entry draws its own
// stream, so every file differs (entries are matched by their bytes' hash on the legacy door).

export interface RehearsalDataset {
  queries: readonly string[];
  gallery: readonly string[];
  truth: Readonly<Record<string, readonly string[]>>;
}

const K = 10;

export function skilledResults(dataset: RehearsalDataset, skill: number, seed: string): Record<string, string[]> {
  const random = seededRandom(seed);
  const results: Record<string, string[]> = {};
  for (const query of dataset.queries) {
    const list: string[] = [];
    const taken = new Set<string>();
    const add = (name: string) => {
      if (!taken.has(name)) {
        taken.add(name);
        list.push(name);
      }
    };
    const matches = dataset.truth[query] ?? [];
    const roll = random.next();
    // Where the right answer goes: first, in 2..5, in 6..10, or nowhere.
    const position = matches.length === 0 ? -1 : roll < skill ? 0 : roll < skill + (1 - skill) * 0.35 ? random.integer(1, 4) : roll < skill + (1 - skill) * 0.5 ? random.integer(5, 9) : -1;
    const answer = position >= 0 ? random.pick(matches) : null;
    while (list.length < K) {
      // The right answer goes in its place unless a filler drew it earlier (then it is higher, which is fine).
      if (list.length === position && answer !== null && !taken.has(answer)) add(answer);
      else add(dataset.gallery[random.integer(0, dataset.gallery.length - 1)]!);
    }
    results[query] = list;
  }
  return results;
}

/** A plain map ({query: [gallery…]}), or the original client's body ({"groupname": …, "images": {…}}). */
export function resultsBytes(results: Record<string, string[]>, format: "plain-map" | "legacy-body", groupname?: string): Uint8Array<ArrayBuffer> {
  const text = format === "plain-map" ? JSON.stringify(results) : JSON.stringify({ groupname, images: results });
  return new TextEncoder().encode(text);
}

/** A file Podium must refuse, and why. */
export function invalidResultsBytes(results: Record<string, string[]>, problem: InvalidProblem): Uint8Array<ArrayBuffer> {
  const copy = Object.fromEntries(Object.entries(results).map(([query, list]) => [query, [...list]]));
  const queries = Object.keys(copy);
  if (problem === "unknown-gallery") copy[queries[0]!]![0] = "not_in_the_gallery.jpg";
  if (problem === "missing-queries") for (const query of queries.slice(0, Math.max(1, Math.floor(queries.length / 10)))) delete copy[query];
  const text = JSON.stringify(copy);
  return new TextEncoder().encode(problem === "malformed-json" ? text.slice(0, Math.floor(text.length / 2)) : text);
}
