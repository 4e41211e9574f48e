import { Transform } from "node:stream";
import sharp from "sharp";
import type { Outcome } from "../scoring/types";
import { ArchiveFormatError, formatBytes, readArchiveEntries, readEntryBytes, type ArchiveEntry, type ArchiveKind, type ArchiveSource } from "./archive-entries";
import { parseGroundTruthJson, parseLabelsCsv, type GroundTruth } from "./parse-ground-truth";

// Validates a dataset archive in the layout of PRODUCT.md as a stream, entry by entry, with bounded memory:
// hostile archives are rejected with the reason; every other problem is listed with its file name.

export interface DatasetLimits {
  maxEntries: number;
  /** Sum of uncompressed sizes. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, per zip entry and for a whole .tar.gz. */
  maxCompressionRatio: number;
  /** One image. */
  maxFileBytes: number;
  /** ground_truth.json or labels.csv. */
  maxTruthBytes: number;
  /** Decoded pixels of one image (guards against decompression bombs inside images). */
  maxImagePixels: number;
}

export const DEFAULT_DATASET_LIMITS: DatasetLimits = {
  maxEntries: 200_000,
  maxTotalBytes: 20 * 1024 ** 3,
  maxCompressionRatio: 100,
  maxFileBytes: 64 * 1024 ** 2,
  maxTruthBytes: 256 * 1024 ** 2,
  maxImagePixels: 64_000_000,
};

const IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp"];
/** Ratios are only judged past this many bytes: tiny files compress absurdly well and harmlessly. */
const RATIO_FLOOR_BYTES = 4 * 1024 ** 2;
const MAX_LISTED = 1000;

export interface DatasetProblem {
  file: string;
  problem: string;
}

export interface DatasetReport {
  status: "ready" | "rejected";
  /** Why the whole archive was refused (hostile or unreadable), if it was. */
  rejection: string | null;
  /** Problems that block the version (first MAX_LISTED), with their total. */
  problems: DatasetProblem[];
  problemCount: number;
  /** Worth knowing, not blocking: queries without a match, ignored files. */
  warnings: DatasetProblem[];
  warningCount: number;
  counts: { entries: number; query: number; gallery: number; training: number; trainingIdentities: number; evaluated: number; unmatchedQueries: number };
  bytes: { archive: number; uncompressed: number; query: number; gallery: number; training: number };
  truthFile: "ground_truth.json" | "labels.csv" | null;
}

export interface ValidatedDataset {
  report: DatasetReport;
  queries: string[];
  gallery: string[];
  training: { identity: string; file: string }[];
  truth: GroundTruth | null;
}

export interface ValidateArchiveOptions {
  source: ArchiveSource;
  kind: ArchiveKind;
  limits?: Partial<DatasetLimits>;
  /** Keeps a validated file (path relative to the dataset root, e.g. `query/a.jpg`). */
  storeFile?: (path: string, bytes: Buffer) => Promise<void>;
  onProgress?: (progress: { entries: number; bytes: number }) => void;
}

/** A reason to refuse the whole archive. */
class Rejection extends Error {}

type Folder = "query" | "gallery" | "training";
const KNOWN_TOP = new Set(["query", "gallery", "training", "ground_truth.json", "labels.csv"]);
const JUNK = /(^|\/)(__MACOSX|\.DS_Store|Thumbs\.db)(\/|$)/;

/** Checks an archive path and returns its segments; throws a Rejection for paths that could escape. */
function safeSegments(path: string): string[] {
  if (path.includes("\u0000")) throw new Rejection(`entry ${JSON.stringify(path)} has a NUL character in its name`);
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) throw new Rejection(`entry ${JSON.stringify(path)} has an absolute path`);
  const segments = path.replace(/^(\.\/)+/, "").split("/");
  if (segments[segments.length - 1] === "") segments.pop();
  if (segments.some((segment) => segment === "..")) throw new Rejection(`entry ${JSON.stringify(path)} climbs out of the archive with ".."`);
  if (segments.some((segment) => segment === "" || segment === ".")) throw new Rejection(`entry ${JSON.stringify(path)} has an empty or "." path segment`);
  return segments;
}

export async function validateDatasetArchive(options: ValidateArchiveOptions): Promise<ValidatedDataset> {
  const limits = { ...DEFAULT_DATASET_LIMITS, ...options.limits };
  const problems: DatasetProblem[] = [];
  const warnings: DatasetProblem[] = [];
  let problemCount = 0;
  let warningCount = 0;
  const problem = (file: string, text: string) => {
    problemCount++;
    if (problems.length < MAX_LISTED) problems.push({ file, problem: text });
  };
  const warn = (file: string, text: string) => {
    warningCount++;
    if (warnings.length < MAX_LISTED) warnings.push({ file, problem: text });
  };
  const counts = { entries: 0, query: 0, gallery: 0, training: 0, trainingIdentities: 0, evaluated: 0, unmatchedQueries: 0 };
  const bytes = { archive: options.source.size, uncompressed: 0, query: 0, gallery: 0, training: 0 };
  const names: Record<Folder, string[]> = { query: [], gallery: [], training: [] };
  const training: { identity: string; file: string }[] = [];
  const identities = new Set<string>();
  const seenPaths = new Set<string>();
  const seenFolded = new Map<string, string>();
  let truthText: { file: "ground_truth.json" | "labels.csv"; text: string } | null = null;
  let wrapper: string | null | undefined; // undefined: not decided yet
  let rejection: string | null = null;

  // For .tar.gz, count compressed bytes as they are read so the overall ratio can be judged while streaming.
  let compressedRead = 0;
  const source: ArchiveSource =
    options.kind === "tar.gz"
      ? {
          size: options.source.size,
          stream: async (range) => {
            const inner = await options.source.stream(range);
            const meter = new Transform({
              transform(chunk: Buffer, _encoding, callback) {
                compressedRead += chunk.length;
                callback(null, chunk);
              },
            });
            inner.on("error", (error) => meter.destroy(error));
            return inner.pipe(meter);
          },
        }
      : options.source;

  const checkEntry = (entry: ArchiveEntry): string[] | null => {
    counts.entries++;
    if (counts.entries > limits.maxEntries) throw new Rejection(`the archive has more than ${limits.maxEntries.toLocaleString("en")} entries`);
    const segments = safeSegments(entry.path);
    if (entry.type === "symlink" || entry.type === "hardlink") throw new Rejection(`entry ${JSON.stringify(entry.path)} is a ${entry.type === "symlink" ? "symbolic" : "hard"} link; links are not allowed`);
    if (entry.type === "device" || entry.type === "other") throw new Rejection(`entry ${JSON.stringify(entry.path)} is a device or special file`);
    bytes.uncompressed += entry.size;
    if (bytes.uncompressed > limits.maxTotalBytes) throw new Rejection(`the archive expands to more than ${formatBytes(limits.maxTotalBytes)}`);
    if (entry.compressedSize !== null && entry.size > RATIO_FLOOR_BYTES && entry.size > entry.compressedSize * limits.maxCompressionRatio) {
      throw new Rejection(`entry ${JSON.stringify(entry.path)} expands ${Math.round(entry.size / Math.max(entry.compressedSize, 1))}:1, over the ${limits.maxCompressionRatio}:1 limit (a zip bomb?)`);
    }
    if (options.kind === "tar.gz" && bytes.uncompressed > RATIO_FLOOR_BYTES && bytes.uncompressed > Math.max(compressedRead, 1) * limits.maxCompressionRatio) {
      throw new Rejection(`the .tar.gz expands more than ${limits.maxCompressionRatio}:1 (a compression bomb?)`);
    }
    if (JUNK.test(entry.path)) return null;
    // One wrapping folder around the layout (dataset/query/…) is accepted.
    if (wrapper === undefined && entry.type === "file") {
      wrapper = !KNOWN_TOP.has(segments[0]!) && segments.length > 1 && KNOWN_TOP.has(segments[1]!) ? segments[0]! : null;
    }
    if (wrapper) {
      if (segments[0] !== wrapper) {
        if (entry.type === "file") warn(entry.path, "ignored: outside the dataset folder");
        return null;
      }
      return segments.slice(1);
    }
    return segments;
  };

  try {
    for await (const entry of readArchiveEntries(source, options.kind)) {
      const segments = checkEntry(entry);
      options.onProgress?.({ entries: counts.entries, bytes: bytes.uncompressed });
      if (segments === null || segments.length === 0 || entry.type === "directory") continue;
      const path = segments.join("/");
      if (seenPaths.has(path)) throw new Rejection(`entry ${JSON.stringify(path)} appears twice in the archive`);
      seenPaths.add(path);

      if (segments.length === 1 && (path === "ground_truth.json" || path === "labels.csv")) {
        if (truthText) {
          problem(path, `both ${truthText.file} and ${path} are present; keep one`);
          continue;
        }
        const data = await readEntryBytes(await entry.open(), limits.maxTruthBytes, path);
        truthText = { file: path, text: data.toString("utf8") };
        continue;
      }
      const folder = segments[0] as Folder;
      const isLayout = (folder === "query" || folder === "gallery") ? segments.length === 2 : folder === "training" ? segments.length === 3 : false;
      if (!isLayout) {
        if (folder === "query" || folder === "gallery") problem(path, `${folder}/ must hold image files directly, not in sub-folders`);
        else if (folder === "training") problem(path, "training/ must hold one folder per identity with images in it (training/<identity>/<file>)");
        else warn(path, "ignored: not part of the dataset layout (query/, gallery/, training/, ground_truth.json or labels.csv)");
        continue;
      }
      const fileName = segments[segments.length - 1]!;
      const foldedKey = `${segments.slice(0, -1).join("/")}/${fileName.toLowerCase()}`;
      const earlier = seenFolded.get(foldedKey);
      if (earlier !== undefined) {
        problem(path, `same name as ${earlier} except for letter case; names must be unique ignoring case`);
        continue;
      }
      seenFolded.set(foldedKey, path);
      const extension = fileName.slice(fileName.lastIndexOf(".")).toLowerCase();
      if (!fileName.includes(".") || !IMAGE_EXTENSIONS.includes(extension)) {
        problem(path, `not an image file (expected ${IMAGE_EXTENSIONS.join(", ")})`);
        continue;
      }
      if (entry.size === 0) {
        problem(path, "empty file");
        continue;
      }
      const data = await readEntryBytes(await entry.open(), limits.maxFileBytes, path);
      if (data.length === 0) {
        problem(path, "empty file");
        continue;
      }
      const decoded = await decodeImage(data, limits.maxImagePixels);
      if (!decoded.ok) {
        problem(path, decoded.error);
        continue;
      }
      await options.storeFile?.(path, data);
      bytes[folder] += data.length;
      counts[folder]++;
      if (folder === "training") {
        training.push({ identity: segments[1]!, file: fileName });
        identities.add(segments[1]!);
      } else {
        names[folder].push(fileName);
      }
    }
  } catch (error) {
    if (error instanceof Rejection || error instanceof ArchiveFormatError) rejection = error.message;
    else throw error;
  }
  counts.trainingIdentities = identities.size;

  let truth: GroundTruth | null = null;
  if (rejection === null) {
    if (names.query.length === 0) problem("query/", "no query images: the archive needs a query/ folder with images");
    if (names.gallery.length === 0) problem("gallery/", "no gallery images: the archive needs a gallery/ folder with images");
    if (truthText === null) problem("ground_truth.json", "neither ground_truth.json nor labels.csv is at the top level");
    else {
      const parsed = truthText.file === "labels.csv" ? parseLabelsCsv(truthText.text) : parseGroundTruthJson(truthText.text);
      if (!parsed.ok) for (const message of parsed.error) problem(truthText.file, message);
      else truth = checkTruth(parsed.value, names, truthText.file, problem, warn, counts);
    }
  }
  const ok = rejection === null && problemCount === 0;
  return {
    report: {
      status: ok ? "ready" : "rejected",
      rejection,
      problems,
      problemCount,
      warnings,
      warningCount,
      counts,
      bytes,
      truthFile: truthText?.file ?? null,
    },
    queries: names.query,
    gallery: names.gallery,
    training,
    truth: ok ? truth : null,
  };
}

function checkTruth(
  truth: GroundTruth,
  names: Record<Folder, string[]>,
  file: string,
  problem: (file: string, text: string) => void,
  warn: (file: string, text: string) => void,
  counts: DatasetReport["counts"],
): GroundTruth {
  const queries = new Set(names.query);
  const gallery = new Set(names.gallery);
  for (const [query, matches] of truth) {
    if (!queries.has(query)) problem(file, `names query ${JSON.stringify(query)}, which is not in query/`);
    for (const match of matches) if (!gallery.has(match)) problem(file, `query ${JSON.stringify(query)} matches ${JSON.stringify(match)}, which is not in gallery/`);
  }
  for (const query of names.query) {
    const matches = truth.get(query);
    if (matches && matches.length > 0) counts.evaluated++;
    else {
      counts.unmatchedQueries++;
      warn(`query/${query}`, "has no matching gallery file: it will not be scored");
    }
  }
  return truth;
}

/** Fully decodes an image (a truncated or corrupt file fails here, not at scoring time). */
async function decodeImage(data: Buffer, maxPixels: number): Promise<Outcome<{ width: number; height: number }, string>> {
  try {
    const { info } = await sharp(data, { failOn: "truncated", limitInputPixels: maxPixels }).raw().toBuffer({ resolveWithObject: true });
    return { ok: true, value: { width: info.width, height: info.height } };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    return { ok: false, error: `not a readable image: ${message}` };
  }
}

