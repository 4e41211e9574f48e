import { formatWeights, maxListLength, maxScore } from "../scoring/weights";
import type { BundleCompetition } from "./bundle-readme";

// The starter notebook in the data bundle (issue 15): load the bundle, rank the gallery with a small colour baseline,
// write the results file, check it on a validation split of the training images with the competition's own metric,
// and submit it with podium_client.py. A pure function of the competition's settings: nbformat 4.5 JSON, no outputs.

export const STARTER_NOTEBOOK_NAME = "starter.ipynb";

/** The image files the server accepts in a dataset (lib/datasets/validate-dataset-archive.ts), as the notebook lists them. */
const IMAGE_SUFFIXES = [".jpg", ".jpeg", ".png", ".webp"];

interface NotebookCell {
  id: string;
  cell_type: "markdown" | "code";
  metadata: Record<string, never>;
  source: string[];
  outputs?: [];
  execution_count?: null;
}

/** A Python literal for a string or a number (JSON's are valid Python). */
const py = (value: string | number) => JSON.stringify(value);

/** Jupyter's form of a cell's text: one string per line, each but the last ending in "\n". */
function sourceLines(text: string): string[] {
  const lines = text.replace(/^\n+|\s+$/g, "").split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}

const markdown = (id: string, text: string): NotebookCell => ({ id, cell_type: "markdown", metadata: {}, source: sourceLines(text) });
const code = (id: string, text: string): NotebookCell => ({ id, cell_type: "code", metadata: {}, source: sourceLines(text), outputs: [], execution_count: null });

/** The notebook's JSON (ends with a newline). Shipped where the gallery is published and results files are accepted. */
export function starterNotebook(competition: BundleCompetition, counts: { query: number; gallery: number; training: number }): string {
  const weights = [...competition.weights].sort((a, b) => a.k - b.k);
  const top = maxListLength(weights);
  const formula = weights.map(({ k, weight }) => `${weight}·hit@${k}`).join(" + ");
  const cells: NotebookCell[] = [
    markdown(
      "task",
      `
# ${competition.title} — starter notebook

**The task.** For each query photo in \`query/\` (${counts.query} images), rank the gallery images in \`gallery/\` (${counts.gallery} images) most likely to show the same person. A results file gives each query up to ${top} gallery file names, best first.

**The score.** For a query, hit@k is 1 when a correct gallery image is among the first k names of its list, else 0. This competition's weights are \`${formatWeights(weights)}\` (k:weight), and the terms add up:

    score of a query = ${formula}        (at most ${maxScore(weights)}, for a correct first answer)
    entry's score    = the mean of that over the queries

**What the cells do**

1. *Load the bundle* — lists the query, gallery and labelled training images (\`training/<identity>/\`${counts.training > 0 ? `, ${counts.training} images` : ", none in this bundle"}) of the unzipped bundle.
2. *Baseline* — embeds every image by its colours (a 64-bin RGB histogram and an 8×8 thumbnail), ranks the gallery by cosine similarity and keeps the first ${top} names per query. It is weak on purpose: replace \`embed\` with your own model's embedding and the other cells still work.
3. *Write the results file* — \`results.json\`, the plain map \`{"<query>": ["<gallery>", …]}\` the server accepts.
4. *Validation (optional)* — the same baseline on a split of the training images, scored offline with \`podium_client.score\` (the competition's metric, the server's rules) next to what a random ranking would score.
5. *Submit* — sends \`results.json\` with \`podium_client\` when the \`PODIUM_SERVER\` and \`PODIUM_TOKEN\` environment variables are set (the token is on your account page); without them it only prints how to submit.

**What it needs.** Python 3 with Pillow and numpy: \`pip install pillow numpy\`. Run it from the unzipped bundle (the folder holding this notebook), or set \`PODIUM_BUNDLE\` to that folder.
`,
    ),
    code(
      "load-bundle",
      String.raw`
# 1. Load the bundle: the file names of the query, gallery and training images.
import json
import os
import sys
from pathlib import Path

BUNDLE = Path(os.environ.get("PODIUM_BUNDLE", ".")).resolve()  # the unzipped bundle: this notebook's folder
COMPETITION = ${py(competition.slug)}
WEIGHTS = [${weights.map(({ k, weight }) => `(${k}, ${py(weight)})`).join(", ")}]  # (k, weight): this competition's score
TOP = ${top}  # gallery names per query: the longest list the server accepts
IMAGE_SUFFIXES = {${IMAGE_SUFFIXES.map(py).join(", ")}}

if not (BUNDLE / "query").is_dir():
    raise FileNotFoundError(f"no query/ folder in {BUNDLE}: run the notebook from the unzipped bundle, or set PODIUM_BUNDLE to it")
if str(BUNDLE) not in sys.path:
    sys.path.insert(0, str(BUNDLE))  # podium_client.py ships in the bundle


def image_names(folder):
    """The image files of a folder, sorted (other files, such as .DS_Store, left out)."""
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in folder.iterdir() if entry.is_file() and entry.suffix.lower() in IMAGE_SUFFIXES)


queries = image_names(BUNDLE / "query")
gallery = image_names(BUNDLE / "gallery")
training = {}  # identity -> its image files, from training/<identity>/<file>
if (BUNDLE / "training").is_dir():
    for folder in sorted(entry for entry in (BUNDLE / "training").iterdir() if entry.is_dir()):
        files = image_names(folder)
        if files:
            training[folder.name] = files
print(f"{len(queries)} queries, {len(gallery)} gallery images, {sum(map(len, training.values()))} training images of {len(training)} identities")
`,
    ),
    code(
      "baseline",
      String.raw`
# 2. Baseline: a colour embedding per image, the gallery ranked by cosine similarity, the first TOP names per query.
try:
    import numpy as np
    from PIL import Image
except ImportError as error:
    raise ImportError("the baseline needs Pillow and numpy: pip install pillow numpy") from error

BINS = 4  # histogram bins per RGB channel: 4 x 4 x 4 = 64 colours
THUMB = 8  # side of the thumbnail
DIMENSIONS = BINS**3 + 3 * THUMB * THUMB
RESAMPLE = getattr(Image, "Resampling", Image).BILINEAR


def unit(vector):
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def embed(path):
    """What colours an image holds (a joint RGB histogram) and roughly where (a thumbnail), as one unit vector."""
    try:
        with Image.open(path) as image:
            image.draft("RGB", (128, 128))  # JPEGs decode at a reduced size: much faster on large photos
            rgb = image.convert("RGB")
            pixels = np.asarray(rgb.resize((64, 64), RESAMPLE), dtype=np.float32) / 255.0
            thumbnail = np.asarray(rgb.resize((THUMB, THUMB), RESAMPLE), dtype=np.float32).ravel() / 255.0
    except Exception as error:  # an unreadable file gets similarity 0 to everything instead of stopping the run
        print(f"cannot read {path}: {error}")
        return np.zeros(DIMENSIONS, dtype=np.float32)
    bins = np.minimum((pixels * BINS).astype(np.int64), BINS - 1)
    codes = (bins[..., 0] * BINS + bins[..., 1]) * BINS + bins[..., 2]
    histogram = np.sqrt(np.bincount(codes.ravel(), minlength=BINS**3) / codes.size)  # square roots: Hellinger
    return unit(np.concatenate([unit(histogram), 0.5 * unit(thumbnail - thumbnail.mean())])).astype(np.float32)


def embed_all(paths):
    vectors = np.zeros((len(paths), DIMENSIONS), dtype=np.float32)
    for i, path in enumerate(paths):
        vectors[i] = embed(path)
        if (i + 1) % 500 == 0:
            print(f"  embedded {i + 1} of {len(paths)}")
    return vectors


def rank(query_vectors, gallery_vectors, gallery_names, top=TOP):
    """The first top gallery names for each query, most similar first (unit vectors: a dot product is the cosine)."""
    ranked = []
    for start in range(0, len(query_vectors), 1024):  # a block of queries at a time keeps the memory bounded
        similarity = query_vectors[start : start + 1024] @ gallery_vectors.T
        order = np.argsort(-similarity, axis=1, kind="stable")[:, :top]
        ranked += [[gallery_names[j] for j in row] for row in order]
    return ranked


query_vectors = embed_all([BUNDLE / "query" / name for name in queries])
gallery_vectors = embed_all([BUNDLE / "gallery" / name for name in gallery])
results = dict(zip(queries, rank(query_vectors, gallery_vectors, gallery)))
if queries:
    print(f"{queries[0]} -> {results[queries[0]][:3]} ...")
`,
    ),
    code(
      "write-results",
      String.raw`
# 3. Write the results file: {"<query>": ["<gallery>", ...]}, best first, the plain map the server accepts.
RESULTS = BUNDLE / "results.json"
assert set(results) == set(queries), "every query needs a list"
assert all(len(set(names)) == len(names) <= TOP for names in results.values()), f"at most {TOP} distinct names per query"
with open(RESULTS, "w", encoding="utf-8") as handle:
    json.dump(results, handle, ensure_ascii=False, indent=1)
print(f"wrote {RESULTS}: {len(results)} queries, up to {TOP} gallery names each")
`,
    ),
    code(
      "validation",
      String.raw`
# 4. Optional: the baseline on a validation split of the labelled training images, with the competition's metric.
import math

import podium_client

# The first image of each identity that has two or more is a query; every other training image is the gallery.
val_queries, val_gallery, val_truth = [], [], {}
for identity, files in training.items():
    names = [f"{identity}/{name}" for name in files]
    if len(names) >= 2:
        val_queries.append(names[0])
        val_truth[names[0]] = names[1:]
        val_gallery += names[1:]
    else:
        val_gallery += names
if val_queries:
    val_query_vectors = embed_all([BUNDLE / "training" / name for name in val_queries])
    val_gallery_vectors = embed_all([BUNDLE / "training" / name for name in val_gallery])
    val_results = dict(zip(val_queries, rank(val_query_vectors, val_gallery_vectors, val_gallery)))
    validation = podium_client.score(val_results, val_truth, gallery=val_gallery, weights=WEIGHTS)
    # What a random ranking scores on average: P(a match within the first k) = 1 - C(G - m, k) / C(G, k).
    size = len(val_gallery)
    floor = sum(
        weight * (1 - math.comb(size - len(matches), min(k, size)) / math.comb(size, min(k, size)))
        for matches in val_truth.values()
        for k, weight in WEIGHTS
    ) / len(val_truth)
    hits = ", ".join(f"hit@{k} {value:.3f}" for k, value in validation["hit"].items())
    print(f"validation score {validation['score']:.2f} over {validation['evaluated']} queries ({hits}); a random ranking scores about {floor:.2f}")
else:
    print("no identity in training/ has two or more images: no validation split (skipped)")
`,
    ),
    code(
      "submit",
      String.raw`
# 5. Submit results.json with the client, when PODIUM_SERVER and PODIUM_TOKEN are set (or set them here:
#    os.environ["PODIUM_SERVER"] = "https://..."; os.environ["PODIUM_TOKEN"] = "pod_...").
import podium_client

server = os.environ.get("PODIUM_SERVER", "").strip()
token = os.environ.get("PODIUM_TOKEN", "").strip()
if server and token:
    try:
        entry = podium_client.Client(server, token).submit(COMPETITION, str(RESULTS), wait=True)
    except (podium_client.PodiumError, OSError) as error:
        print(f"not submitted: {error}")
    else:
        public = (entry.get("scores") or {}).get("public")
        print(f"submission {entry['id']}: {entry['status']}" + (f", public score {public['score']:.2f}" if public else ""))
        if entry.get("error") and entry["status"] != "scored":
            print(entry["error"])
else:
    print("Not submitted: set PODIUM_SERVER and PODIUM_TOKEN (an API token from your account page) and run this cell again,")
    print("or submit from a shell in this folder:")
    print(f"    python3 podium_client.py --server {server or 'https://<podium server>'} --token <your token> submit --competition {COMPETITION} {RESULTS.name}")
`,
    ),
  ];
  const notebook = {
    cells,
    metadata: {
      kernelspec: { display_name: "Python 3", language: "python", name: "python3" },
      language_info: { name: "python" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
