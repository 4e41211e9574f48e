import { formatWeights } from "../scoring/weights";
import type { WeightTerm } from "../scoring/types";

// What a team finds first in the data bundle: the task, the layout, the formats and how to submit — and a sample
// results file that the server accepts, so the first entry is never lost to a format question.

export interface BundleCompetition {
  title: string;
  slug: string;
  weights: readonly WeightTerm[];
  /** A model-only contest: the gallery stays hidden, so there is no results file to show. */
  modelOnly: boolean;
  acceptsResults: boolean;
}

export function bundleReadme(competition: BundleCompetition, counts: { query: number; gallery: number; training: number }): string {
  const weights = formatWeights(competition.weights);
  const lines = [
    `# ${competition.title} — the data`,
    "",
    "## The task",
    "",
    "For each query photo, rank the gallery images most likely to show the same person; the first 10 of your list count.",
    `Score per query: ${competition.weights.map(({ k, weight }) => `${weight} if a correct gallery image is within the first ${k}`).join(", ")} (added up); the entry's score is the mean over the queries (weights ${weights}).`,
    "",
    "## What is here",
    "",
    `- \`query/\` — ${counts.query} query images.`,
    competition.modelOnly ? "- The gallery stays hidden in this contest: your model runs over it on the server." : `- \`gallery/\` — ${counts.gallery} gallery images.`,
    ...(counts.training > 0 ? [`- \`training/<identity>/\` — ${counts.training} labelled training images.`] : []),
    "- `podium_client.py` — the Python client (standard library only): submit, follow an entry, and score your own validation split with this metric.",
    ...(competition.acceptsResults && !competition.modelOnly
      ? [
          "- `sample_submission.json` — a results file in the expected form (every query, ten gallery names each): it is accepted as it is.",
          "- `starter.ipynb` — a starter notebook (needs `pip install pillow numpy`): loads the images, ranks the gallery with a colour baseline, writes `results.json`, scores the baseline on a validation split of the training images (when there are some) and submits it with the client.",
        ]
      : []),
    "",
    "## Submitting",
    "",
  ];
  if (competition.acceptsResults && !competition.modelOnly) {
    lines.push(
      "A results file is JSON mapping each query file name to up to 10 gallery file names, best first:",
      "",
      "    {\"q0.jpg\": [\"g17.jpg\", \"g3.jpg\", …], …}",
      "",
      "(The legacy `{\"groupname\": …, \"images\": {…}}` body and the `[{\"filename\": …, \"gallery_images\": […]}]` list are accepted too.)",
      "",
      `    python3 podium_client.py score --weights ${weights} --truth your_val_truth.json results.json`,
      `    python3 podium_client.py --server URL --token TOKEN submit --competition ${competition.slug} results.json`,
      "",
    );
  }
  lines.push(
    "A model is an ONNX image encoder (images in, one embedding per image out) with a manifest (input size, layout,",
    "normalisation, resize); the server embeds the queries and the gallery, ranks by similarity and scores the top 10:",
    "",
    `    python3 podium_client.py --server URL --token TOKEN submit --competition ${competition.slug} model.onnx --manifest manifest.json --wait`,
    "",
    "Your API token is on your account page. Every refused file says why and uses none of your entries.",
    "",
  );
  return lines.join("\n");
}

/** A results file the server accepts: every query with the first ten gallery names (sorted), ranked arbitrarily. */
export function sampleSubmission(queries: readonly string[], gallery: readonly string[]): string {
  const ten = [...gallery].sort().slice(0, 10);
  return `${JSON.stringify(Object.fromEntries([...queries].sort().map((query) => [query, ten])), null, 1)}\n`;
}
