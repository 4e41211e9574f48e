import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A dataset folder in the archive layout of PRODUCT.md with `queries` queries, each matching gallery file g<i>;
 * the files are placeholders (scoring reads names only).
 */
export function writeDatasetFolder(root: string, queries: number, gallery: number, truthFormat: "json" | "csv" = "json"): { queries: string[]; gallery: string[] } {
  const q = Array.from({ length: queries }, (_, i) => `q${String(i).padStart(4, "0")}.jpg`);
  const g = Array.from({ length: gallery }, (_, i) => `g${String(i).padStart(4, "0")}.jpg`);
  mkdirSync(join(root, "query"), { recursive: true });
  mkdirSync(join(root, "gallery"), { recursive: true });
  for (const name of q) writeFileSync(join(root, "query", name), "x");
  for (const name of g) writeFileSync(join(root, "gallery", name), "x");
  if (truthFormat === "json") {
    writeFileSync(join(root, "ground_truth.json"), JSON.stringify(Object.fromEntries(q.map((name, i) => [name, [g[i]!]]))));
  } else {
    const rows = ["file,identity", ...q.map((name, i) => `query/${name},person${i}`), ...g.map((name, i) => `gallery/${name},person${i}`)];
    writeFileSync(join(root, "labels.csv"), rows.join("\n"));
  }
  return { queries: q, gallery: g };
}

/** A results map whose query i has its first correct entry at ranks[i % ranks.length] (0: none). */
export function resultsWithRanks(queries: string[], gallery: string[], ranks: number[]): Record<string, string[]> {
  return Object.fromEntries(
    queries.map((query, i) => {
      const rank = ranks[i % ranks.length]!;
      const wrong = gallery.filter((_, g) => g !== i).slice(0, 10);
      const list = wrong.slice(0, 10);
      if (rank > 0) list[rank - 1] = gallery[i]!;
      return [query, list];
    }),
  );
}
