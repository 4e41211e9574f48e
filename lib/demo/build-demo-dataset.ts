import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { seededRandom } from "./seeded-random";
import { createFaceIdentity, GALLERY_STYLES, renderFace, type FaceIdentity, type RenderOptions, type RenderStyle } from "./synthetic-faces";
import { zipDatasetFiles, type DatasetFile } from "./zip-dataset-files";

// The demo contest's dataset (issue 6) in the archive layout of PRODUCT.md: one photo per test identity in query/,
// stylized portraits of them and of gallery-only distractors in gallery/, ground_truth.json, and a labeled
// training/ split of other people. Names are shuffled with the seed so they say nothing about identity.

export interface DemoDatasetOptions {
  seed?: string;
  /** Test identities: one query photo each. */
  identities?: number;
  /** Portraits per test identity in the gallery, cycling through the styles. */
  galleryStylesPerIdentity?: number;
  /** Identities that appear only in the gallery. */
  distractors?: number;
  /** Identities of the training split (never in the test set). */
  trainingIdentities?: number;
  /** Photos and portraits per training identity. */
  trainingPhotos?: number;
  trainingPortraits?: number;
  /** Images rendered at once (each render also uses one of sharp's threads). */
  concurrency?: number;
  image?: RenderOptions;
  /** Writes the dataset folder here (it must be empty or absent). */
  outDir?: string;
  /** Writes a .zip of the dataset here. */
  zipPath?: string;
}

export interface DemoDataset {
  seed: string;
  /** Query file names, sorted. */
  queries: string[];
  /** Gallery file names, sorted. */
  gallery: string[];
  /** ground_truth.json: each query's matching gallery files. */
  truth: Record<string, string[]>;
  training: { identity: string; file: string }[];
  /** Every file in the archive layout, ground_truth.json included. */
  files: DatasetFile[];
  counts: { queries: number; gallery: number; distractorImages: number; trainingIdentities: number; training: number };
}

export const DEMO_DEFAULTS = {
  seed: "podium-demo",
  identities: 240,
  galleryStylesPerIdentity: 3,
  distractors: 120,
  trainingIdentities: 100,
  trainingPhotos: 2,
  trainingPortraits: 3,
  concurrency: 4,
} as const;

interface PlannedImage {
  path: string;
  identity: FaceIdentity;
  style: RenderStyle;
  /** Seed of the render (pose, light, background …). */
  seed: string;
}

/** The k-th portrait style of identity i: styles rotate so every style is used evenly. */
const styleOf = (identityIndex: number, k: number) => GALLERY_STYLES[(identityIndex + k) % GALLERY_STYLES.length]!;

const numbered = (prefix: string, index: number, digits: number) => `${prefix}${String(index + 1).padStart(digits, "0")}.jpg`;

export async function buildDemoDataset(options: DemoDatasetOptions = {}): Promise<DemoDataset> {
  const settings = { ...DEMO_DEFAULTS, ...options };
  const { seed } = settings;
  if (settings.identities < 1) throw new RangeError("the demo needs at least one test identity");
  if (settings.galleryStylesPerIdentity < 1) throw new RangeError("every test identity needs at least one gallery portrait");
  if (options.outDir !== undefined) await assertEmptyFolder(options.outDir);
  const planned: PlannedImage[] = [];

  // Test identities: one query photo each, shuffled names.
  const testIdentities = Array.from({ length: settings.identities }, (_, i) => createFaceIdentity(`${seed}/test/${i}`));
  const queryOrder = seededRandom(`${seed}/query-names`).shuffle(testIdentities.map((_, i) => i));
  const queryOf = new Map<number, string>();
  queryOrder.forEach((identityIndex, position) => {
    const name = numbered("q_", position, 4);
    queryOf.set(identityIndex, name);
    planned.push({ path: `query/${name}`, identity: testIdentities[identityIndex]!, style: "photo", seed: `${seed}/test/${identityIndex}/photo` });
  });

  // Gallery: portraits of test identities and distractors, shuffled together before naming.
  const portraits: { owner: number | null; identity: FaceIdentity; style: RenderStyle; seed: string }[] = [];
  testIdentities.forEach((identity, i) => {
    for (let k = 0; k < settings.galleryStylesPerIdentity; k++) portraits.push({ owner: i, identity, style: styleOf(i, k), seed: `${seed}/test/${i}/portrait/${k}` });
  });
  for (let d = 0; d < settings.distractors; d++) {
    const identity = createFaceIdentity(`${seed}/distractor/${d}`);
    for (let k = 0; k < settings.galleryStylesPerIdentity; k++) portraits.push({ owner: null, identity, style: styleOf(d, k), seed: `${seed}/distractor/${d}/portrait/${k}` });
  }
  const truth = new Map<string, string[]>();
  seededRandom(`${seed}/gallery-names`)
    .shuffle(portraits)
    .forEach((portrait, position) => {
      const name = numbered("g_", position, 5);
      planned.push({ path: `gallery/${name}`, identity: portrait.identity, style: portrait.style, seed: portrait.seed });
      if (portrait.owner !== null) {
        const query = queryOf.get(portrait.owner)!;
        truth.set(query, [...(truth.get(query) ?? []), name]);
      }
    });

  // Training: other people, labeled, a few photos and portraits each.
  const training: DemoDataset["training"] = [];
  for (let t = 0; t < settings.trainingIdentities; t++) {
    const identity = createFaceIdentity(`${seed}/training/${t}`);
    const folder = `person_${String(t + 1).padStart(4, "0")}`;
    const perStyle = new Map<RenderStyle, number>();
    const add = (style: RenderStyle) => {
      const number = (perStyle.get(style) ?? 0) + 1;
      perStyle.set(style, number);
      const file = `${style}_${number}.jpg`;
      training.push({ identity: folder, file });
      planned.push({ path: `training/${folder}/${file}`, identity, style, seed: `${seed}/training/${t}/${style}/${number}` });
    };
    for (let k = 0; k < settings.trainingPhotos; k++) add("photo");
    for (let k = 0; k < settings.trainingPortraits; k++) add(styleOf(t, k));
  }

  const images = await mapConcurrently(planned, settings.concurrency, async (image): Promise<DatasetFile> => ({ path: image.path, bytes: await renderFace(image.identity, image.style, image.seed, options.image) }));
  const queries = [...queryOf.values()].sort();
  const sortedTruth = Object.fromEntries(queries.map((query) => [query, (truth.get(query) ?? []).sort()]));
  const files = [...images, { path: "ground_truth.json", bytes: Buffer.from(truthJson(sortedTruth)) }];
  const gallery = planned.filter((image) => image.path.startsWith("gallery/")).map((image) => image.path.slice("gallery/".length)).sort();

  if (options.outDir !== undefined) await writeFolder(options.outDir, files);
  if (options.zipPath !== undefined) {
    await mkdir(dirname(options.zipPath), { recursive: true });
    await writeFile(options.zipPath, await zipDatasetFiles(files));
  }
  return {
    seed,
    queries,
    gallery,
    truth: sortedTruth,
    training,
    files,
    counts: { queries: queries.length, gallery: gallery.length, distractorImages: settings.distractors * settings.galleryStylesPerIdentity, trainingIdentities: settings.trainingIdentities, training: training.length },
  };
}

/** ground_truth.json with one query per line: small, and readable in a diff. */
function truthJson(truth: Record<string, string[]>): string {
  const lines = Object.entries(truth).map(([query, matches]) => `  ${JSON.stringify(query)}: ${JSON.stringify(matches)}`);
  return `{\n${lines.join(",\n")}\n}\n`;
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Refuses to mix the demo into an existing folder: stray files would become part of the dataset. */
async function assertEmptyFolder(folder: string): Promise<void> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  if (entries.length > 0) throw new Error(`${folder} is not empty; the demo dataset needs an empty or new folder`);
}

async function writeFolder(root: string, files: readonly DatasetFile[]): Promise<void> {
  const folders = new Set(files.map((file) => dirname(join(root, file.path))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(join(root, file.path), file.bytes);
}
