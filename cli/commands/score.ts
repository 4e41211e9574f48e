import { existsSync, readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { listFolderFiles, parseNameList, readDatasetFolder } from "../../lib/datasets/read-dataset-folder";
import { parseGroundTruthJson, parseLabelsCsv } from "../../lib/datasets/parse-ground-truth";
import { AppError } from "../../lib/errors/app-error";
import {
  buildScoringIndex,
  DEFAULT_WEIGHTS,
  formatValidationErrors,
  parseWeights,
  PARALLEL_MIN_BYTES,
  RankWorker,
  readFileShared,
  scoreSubmission,
  scoreSubmissionInParallel,
  type Outcome,
  type ScoringDataset,
  type ScoringIndex,
  type SplitScore,
} from "../../lib/scoring";
import { buildNameTable } from "../../lib/scoring/name-table";
import { buildScoringIndexFromTruthBytes } from "../../lib/scoring/truth-bytes-index";
import { parseCommandArgs } from "../args";

export const usage = `Usage: podium score (--dataset DIR | --truth GT.json [--gallery DIR|NAMES.txt]) [options] SUBMISSION.json

Scores a results file the way the server does and prints one JSON object:
  {"score", "hit": {"1", "5", "10"}, "evaluated", "missing", "ci95": [lo, hi]}

  --dataset DIR            dataset in the archive layout: query/, gallery/, ground_truth.json or labels.csv
  --truth FILE             ground truth alone (ground_truth.json or labels.csv)
  --gallery DIR|NAMES.txt  gallery names for --truth (without it unknown gallery names cannot be detected)
  --weights LIST           k:weight terms, cumulative (default 1:600,5:300,10:100)
  --allow-partial          missing queries score 0 instead of rejecting the file
  --seed S                 split seed; with --public-fraction adds "public" and "private" scores
  --public-fraction F      fraction of queries on the public split (0..1)
  --splits                 print public/private scores (defaults: seed 0, fraction 1)
  --timing                 print how long each phase took, on stderr

Exit status: 0 scored, 1 invalid submission (errors on stderr), 2 bad arguments or dataset.`;

const scoreArgs = z
  .object({
    dataset: z.string().optional(),
    truth: z.string().optional(),
    gallery: z.string().optional(),
    weights: z.string().optional(),
    "allow-partial": z.boolean().optional(),
    seed: z.string().optional(),
    "public-fraction": z.coerce.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").optional(),
    splits: z.boolean().optional(),
    timing: z.boolean().optional(),
    positionals: z.array(z.string()).length(1, "give exactly one SUBMISSION.json"),
  })
  .refine((args) => (args.dataset === undefined) !== (args.truth === undefined), { message: "give either --dataset or --truth", path: ["dataset"] })
  .refine((args) => args.gallery === undefined || args.truth !== undefined, { message: "--gallery goes with --truth", path: ["gallery"] });


type GalleryTable = ReturnType<typeof buildNameTable> & { names: string[] };

async function loadDataset(args: z.infer<typeof scoreArgs>): Promise<{ dataset?: ScoringDataset; index?: ScoringIndex; warnings: string[]; galleryTable?: GalleryTable }> {
  if (args.dataset !== undefined) {
    if (!existsSync(args.dataset) || !statSync(args.dataset).isDirectory()) throw new AppError("BAD_REQUEST", `dataset folder ${args.dataset} does not exist`);
    const read = readDatasetFolder(args.dataset);
    if (!read.ok) throw new AppError("BAD_REQUEST", read.error.join("\n"));
    return { dataset: read.value, warnings: [] };
  }
  const truthPath = args.truth!;
  if (!existsSync(truthPath)) throw new AppError("BAD_REQUEST", `truth file ${truthPath} does not exist`);
  if (args.gallery !== undefined && !existsSync(args.gallery)) throw new AppError("BAD_REQUEST", `gallery ${args.gallery} does not exist`);
  const truthBytes = readFileShared(truthPath);
  const csv = truthPath.toLowerCase().endsWith(".csv");
  let galleryTable: GalleryTable | undefined;
  if (args.gallery !== undefined && !statSync(args.gallery).isDirectory()) {
    const names = parseNameList(readFileSync(args.gallery, "utf8"));
    galleryTable = { names, ...buildNameTable(names) };
    // The common case straight from the truth file's bytes; anything unusual goes the general way below.
    const index = csv ? null : buildScoringIndexFromTruthBytes(truthBytes, galleryTable);
    if (index) return { index, warnings: [] };
  }
  const text = new TextDecoder().decode(truthBytes);
  const truth = csv ? parseLabelsCsv(text) : parseGroundTruthJson(text);
  if (!truth.ok) throw new AppError("BAD_REQUEST", truth.error.join("\n"));
  const warnings: string[] = [];
  let gallery: string[] | null = null;
  if (galleryTable) gallery = galleryTable.names;
  else if (args.gallery !== undefined) gallery = listFolderFiles(args.gallery);
  else warnings.push("no gallery list given (--gallery): unknown gallery names cannot be detected and count as misses");
  return { dataset: { queries: [...truth.value.keys()], gallery, truth: truth.value }, warnings, galleryTable };
}

function present(split: SplitScore) {
  return { score: split.score, hit: split.hit, evaluated: split.evaluated, missing: split.missing, ci95: split.ci95 };
}

/** `podium score`: offline scoring with the same code as the server. */
export async function run(argv: string[], io: { stdout: (text: string) => void; stderr: (text: string) => void }): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      dataset: { type: "string" },
      truth: { type: "string" },
      gallery: { type: "string" },
      weights: { type: "string" },
      "allow-partial": { type: "boolean" },
      seed: { type: "string" },
      "public-fraction": { type: "string" },
      splits: { type: "boolean" },
      timing: { type: "boolean" },
    },
    scoreArgs,
    usage,
  );
  const submissionPath = args.positionals[0]!;
  if (!existsSync(submissionPath)) throw new AppError("BAD_REQUEST", `submission ${submissionPath} does not exist`);
  // A large file is read by two threads; the worker starts now so it is ready when the dataset is loaded.
  const worker = statSync(submissionPath).size >= PARALLEL_MIN_BYTES ? startRankWorker() : null;
  try {
    return await scoreFile(args, submissionPath, worker, io);
  } finally {
    await worker?.terminate();
  }
}

/** The ranking worker: the bundled file next to the CLI bundle, or the source through tsx. */
function startRankWorker(): RankWorker {
  const here = import.meta.url;
  return new RankWorker(here.endsWith(".mjs") ? new URL("../rank-worker.mjs", here) : new URL("../../lib/scoring/rank-worker-dev.mjs", here));
}

async function scoreFile(args: z.infer<typeof scoreArgs>, submissionPath: string, worker: RankWorker | null, io: { stdout: (text: string) => void; stderr: (text: string) => void }): Promise<number> {
  let weights = DEFAULT_WEIGHTS;
  if (args.weights !== undefined) {
    const parsed = parseWeights(args.weights);
    if (!parsed.ok) throw new AppError("BAD_REQUEST", `--weights: ${parsed.error}`);
    weights = parsed.value;
  }
  const phases: string[] = [];
  let last = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    phases.push(`${name} ${(now - last).toFixed(0)} ms`);
    last = now;
  };
  const loaded = await loadDataset(args);
  const { warnings } = loaded;
  lap("read dataset");
  const index: Outcome<ScoringIndex, string[]> = loaded.index ? { ok: true, value: loaded.index } : buildScoringIndex(loaded.dataset!, { gallery: loaded.galleryTable });
  lap("build index");
  if (!index.ok) throw new AppError("BAD_REQUEST", `the dataset cannot be scored against:\n${index.error.slice(0, 20).join("\n")}`);
  const wantSplits = args.splits === true || args.seed !== undefined || args["public-fraction"] !== undefined;
  const split = { seed: args.seed ?? "0", publicFraction: args["public-fraction"] ?? 1 };
  const bytes = worker ? readFileShared(submissionPath) : readFileSync(submissionPath);
  lap("read submission");
  const rules = { weights, allowPartial: args["allow-partial"] ?? false, split };
  const scored = worker ? await scoreSubmissionInParallel(bytes, index.value, rules, worker) : scoreSubmission(bytes, index.value, rules);
  lap("validate and score");
  if (args.timing) io.stderr(`timing: ${phases.join(", ")}`);
  for (const warning of warnings) io.stderr(`warning: ${warning}`);
  if (!scored.ok) {
    io.stderr(`invalid submission ${submissionPath}:\n${formatValidationErrors(scored.error)}`);
    return 1;
  }
  const { all, public: publicSplit, private: privateSplit } = scored.value.splits;
  const output: Record<string, unknown> = present(all);
  if (wantSplits) output.splits = { public: present(publicSplit), private: present(privateSplit) };
  if (warnings.length > 0) output.warnings = warnings;
  io.stdout(JSON.stringify(output));
  return 0;
}
