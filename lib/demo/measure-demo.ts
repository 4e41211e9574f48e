import { pathToFileURL } from "node:url";
import { buildDemoDataset, DEMO_DEFAULTS } from "./build-demo-dataset";
import { scoreDemoEntries } from "./score-demo-entries";

// Measures the demo: how long the default dataset takes to generate and what each demo entry scores on it — on
// the whole test set and on the demo competition's public (leaderboard) and private splits.
//   npx tsx lib/demo/measure-demo.ts [identities] [seed]

export async function measureDemo(identities: number = DEMO_DEFAULTS.identities, seed: string = DEMO_DEFAULTS.seed): Promise<string> {
  const started = performance.now();
  // Smaller demos keep the default proportions of distractors and training identities.
  const scaled = (count: number) => Math.round((identities * count) / DEMO_DEFAULTS.identities);
  const dataset = await buildDemoDataset({ seed, identities, distractors: scaled(DEMO_DEFAULTS.distractors), trainingIdentities: scaled(DEMO_DEFAULTS.trainingIdentities) });
  const generated = performance.now() - started;
  const images = dataset.files.length - 1;
  const bytes = dataset.files.reduce((total, file) => total + file.bytes.length, 0);
  const lines = [
    `seed ${seed}: ${dataset.counts.queries} queries, ${dataset.counts.gallery} gallery (${dataset.counts.distractorImages} distractor images), ${dataset.counts.training} training images of ${dataset.counts.trainingIdentities} identities`,
    `generated ${images} images (${(bytes / 1024 ** 2).toFixed(1)} MiB) in ${(generated / 1000).toFixed(1)} s`,
  ];
  const scoring = performance.now();
  lines.push(`${"entry".padEnd(24)} ${"all".padStart(7)}   ${"hit@1".padEnd(5)}  ${"hit@5".padEnd(5)}  ${"hit@10".padEnd(6)}  ${"95% interval".padEnd(14)}  ${"public".padStart(7)}  ${"private".padStart(7)}`);
  for (const { entry, score, public: publicScore, private: privateScore } of await scoreDemoEntries(dataset)) {
    const interval = `[${score.ci95.map((v) => v.toFixed(1)).join(", ")}]`;
    lines.push(`${entry.padEnd(24)} ${score.score.toFixed(2).padStart(7)}   ${score.hit["1"]!.toFixed(3)}  ${score.hit["5"]!.toFixed(3)}  ${score.hit["10"]!.toFixed(3).padEnd(6)}  ${interval.padEnd(14)}  ${publicScore.score.toFixed(2).padStart(7)}  ${privateScore.score.toFixed(2).padStart(7)}`);
  }
  lines.push(`scored every entry in ${((performance.now() - scoring) / 1000).toFixed(1)} s`);
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const identities = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(await measureDemo(identities, process.argv[3]));
}
