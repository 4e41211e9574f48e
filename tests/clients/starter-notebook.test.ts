import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import sharp from "sharp";
import yauzl from "yauzl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { readMultipartFile } from "../../lib/api/read-multipart-file";
import { STARTER_NOTEBOOK_NAME } from "../../lib/datasets/starter-notebook";
import type { Database } from "../../lib/db/open-database";
import { fromHsl, type Rgb } from "../../lib/demo/colour";
import { seededRandom, type SeededRandom } from "../../lib/demo/seeded-random";
import { buildScoringIndex, parseWeights, scoreSubmission, type WeightTerm } from "../../lib/scoring";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { getSubmissionForActor } from "../../lib/submissions/list-submissions";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import type { FixtureEntry } from "../helpers/archives";
import { createContest } from "../helpers/contest";
import { serveRequestHandler } from "../helpers/serve-request-handler";
import { databaseAndStore } from "../helpers/test-world";

// The starter notebook in the data bundle (issue 15): a real bundle is built the way the project builds it, unzipped,
// and the notebook's code cells run in one Debian python3 process from the bundle's folder — load the images, rank
// them with the colour baseline, write results.json, score a validation split with podium_client, and submit (or,
// without a token, say how). The results file it writes must pass lib/scoring and beat a random ranking.

const SLUG = "starter";
const WEIGHTS = "1:500,3:300,10:200"; // the competition's own weights, not the defaults: the notebook must use these
const TOKEN = "pod_starter-notebook-test-token";

/** A python3 with numpy and Pillow (scripts/test-services.sh installs Debian's python3-numpy and python3-pil). */
function pythonWithNumpyAndPillow(): string {
  const tried: string[] = [];
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const run = spawnSync(candidate, ["-c", "import numpy, PIL"], { encoding: "utf8" });
    if (run.status === 0) return candidate;
    tried.push(`${candidate}: ${run.error?.message ?? run.stderr.trim().split("\n").pop()}`);
  }
  throw new Error(`no python3 with numpy and Pillow (${tried.join("; ")}): install Debian's python3-numpy and python3-pil (scripts/test-services.sh up does)`);
}

// ─── A dataset a colour baseline can solve ─────────────────────────────────────────────────────────────────────────
// Each identity has a palette (a main colour and an accent, hues spread round the wheel). Its query is a "photo" (the
// main colour with an accent patch somewhere), its gallery image a "portrait" in another layout and lighting (bands
// of the same two colours); distractors have palettes of their own. Names are opaque and the gallery is shuffled.

const SIZE = 32;

async function paint(random: SeededRandom, colourAt: (x: number, y: number) => Rgb, format: "jpeg" | "png" | "webp"): Promise<Buffer> {
  const pixels = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const colour = colourAt(x, y);
      [colour.r, colour.g, colour.b].forEach((channel, c) => (pixels[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(channel + random.between(-12, 12))))));
    }
  }
  const image = sharp(pixels, { raw: { width: SIZE, height: SIZE, channels: 3 } });
  return format === "jpeg" ? image.jpeg({ quality: 90 }).toBuffer() : format === "png" ? image.png().toBuffer() : image.webp({ quality: 90 }).toBuffer();
}

interface Palette {
  main: Rgb;
  accent: Rgb;
}

function palette(random: SeededRandom, hue: number): Palette {
  return { main: fromHsl({ h: hue, s: random.between(0.55, 0.8), l: random.between(0.42, 0.58) }), accent: fromHsl({ h: hue + random.between(140, 220), s: 0.6, l: random.between(0.25, 0.4) }) };
}

/** The main colour with an accent patch at a random place. */
function photo(random: SeededRandom, { main, accent }: Palette, format: "jpeg" | "png" | "webp") {
  const [x0, y0] = [random.integer(0, SIZE - 14), random.integer(0, SIZE - 14)];
  return paint(random, (x, y) => (x >= x0 && x < x0 + 14 && y >= y0 && y < y0 + 14 ? accent : main), format);
}

/** The same two colours as horizontal bands, under other lighting. */
function portrait(random: SeededRandom, { main, accent }: Palette, format: "jpeg" | "png" | "webp") {
  const light = random.between(0.9, 1.1);
  const band = random.integer(5, 9);
  return paint(random, (_, y) => {
    const colour = Math.floor(y / band) % 4 === 3 ? accent : main;
    return { r: colour.r * light, g: colour.g * light, b: colour.b * light };
  }, format);
}

async function paletteDataset(options: { queries: number; distractors: number; trainingIdentities: number; trainingImages: number }) {
  const random = seededRandom("starter-notebook");
  const identities = options.queries + options.distractors + options.trainingIdentities;
  const hues = random.shuffle(Array.from({ length: identities }, (_, i) => (i * 360) / identities + random.between(-4, 4)));
  const palettes = hues.map((hue) => palette(random, hue));
  const opaque = () => Array.from({ length: 12 }, () => "0123456789abcdef"[random.integer(0, 15)]).join("");
  const entries: FixtureEntry[] = [];
  const truth: Record<string, string[]> = {};
  const queries: string[] = [];
  const gallery: string[] = [];
  for (let i = 0; i < options.queries; i++) {
    const query = `${opaque()}.jpg`;
    const match = `${opaque()}.png`;
    entries.push({ name: `query/${query}`, data: await photo(random, palettes[i]!, "jpeg") }, { name: `gallery/${match}`, data: await portrait(random, palettes[i]!, "png") });
    truth[query] = [match];
    queries.push(query);
    gallery.push(match);
  }
  for (let d = 0; d < options.distractors; d++) {
    const name = `${opaque()}.${d % 2 ? "png" : "webp"}`;
    entries.push({ name: `gallery/${name}`, data: await portrait(random, palettes[options.queries + d]!, d % 2 ? "png" : "webp") });
    gallery.push(name);
  }
  let training = 0;
  for (let t = 0; t < options.trainingIdentities; t++) {
    const colours = palettes[options.queries + options.distractors + t]!;
    for (let n = 0; n < options.trainingImages; n++) {
      entries.push({ name: `training/person-${t}/${opaque()}.jpg`, data: await (n === 0 ? photo(random, colours, "jpeg") : portrait(random, colours, "jpeg")) });
      training++;
    }
  }
  entries.push({ name: "ground_truth.json", data: JSON.stringify(truth) });
  return { entries: random.shuffle(entries), truth, queries, gallery, training };
}

/** What a uniformly random ranking scores on average when each query has one match among `gallery` files. */
function randomFloor(weights: readonly WeightTerm[], gallery: number): number {
  return weights.reduce((sum, { k, weight }) => sum + (weight * Math.min(k, gallery)) / gallery, 0);
}

// ─── The bundle and the notebook ───────────────────────────────────────────────────────────────────────────────────

function unzipTo(bytes: Buffer, folder: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("not a zip"));
      const names: string[] = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(names));
      zip.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.openReadStream(entry, (openError, stream) => {
          if (openError || !stream) return reject(openError ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            const path = join(folder, entry.fileName);
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    }),
  );
}

interface Cell {
  id?: unknown;
  cell_type: unknown;
  metadata: unknown;
  source: unknown;
  outputs?: unknown;
  execution_count?: unknown;
}

/** The structure nbformat 4.5 requires of a notebook (the parts of its JSON schema a generator can get wrong). */
function expectValidNotebook(notebook: { nbformat?: unknown; nbformat_minor?: unknown; metadata?: unknown; cells?: Cell[] }) {
  expect(notebook.nbformat).toBe(4);
  expect(notebook.nbformat_minor).toBe(5);
  expect(notebook.metadata).toMatchObject({ kernelspec: { name: "python3", display_name: expect.any(String) }, language_info: { name: "python" } });
  expect(Object.keys(notebook).sort()).toEqual(["cells", "metadata", "nbformat", "nbformat_minor"]);
  expect(Array.isArray(notebook.cells)).toBe(true);
  const ids = new Set<string>();
  for (const cell of notebook.cells!) {
    expect(typeof cell.id === "string" && /^[a-zA-Z0-9-_]{1,64}$/.test(cell.id), `cell id ${String(cell.id)}`).toBe(true);
    ids.add(cell.id as string);
    expect(cell.metadata).toEqual({});
    expect(Array.isArray(cell.source) && (cell.source as unknown[]).every((line) => typeof line === "string")).toBe(true);
    const lines = cell.source as string[];
    // Jupyter's multiline strings: every line but the last ends with its newline, and no string holds two lines.
    lines.forEach((line, i) => expect(line.slice(0, -1).includes("\n") || (i < lines.length - 1) !== line.endsWith("\n"), JSON.stringify(line)).toBe(false));
    if (cell.cell_type === "code") {
      expect(Object.keys(cell).sort()).toEqual(["cell_type", "execution_count", "id", "metadata", "outputs", "source"]);
      expect(cell.outputs).toEqual([]);
      expect(cell.execution_count).toBeNull();
    } else {
      expect(cell.cell_type).toBe("markdown");
      expect(Object.keys(cell).sort()).toEqual(["cell_type", "id", "metadata", "source"]);
    }
  }
  expect(ids.size).toBe(notebook.cells!.length);
}

describe("the starter notebook in the data bundle", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  let database: Database;
  let store: FolderBlobStore;
  let dataset: Awaited<ReturnType<typeof paletteDataset>>;
  let work = "";
  let bundle = "";
  let names: string[] = [];
  let team: { id: string; actor: Actor; competitionId: string };
  let weights: WeightTerm[];

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    dataset = await paletteDataset({ queries: 16, distractors: 14, trainingIdentities: 5, trainingImages: 3 });
    const { competition } = await createContest(database.prisma, store, { slug: SLUG, entries: dataset.entries, settings: { publicFraction: 1, weights: WEIGHTS, submissionKinds: "results,model" } });
    const parsed = parseWeights(WEIGHTS);
    if (!parsed.ok) throw new Error(parsed.error);
    weights = parsed.value;
    const user = await createUser(database.prisma, { email: "team@starter.test", password: "starter password 1" });
    const actor: Actor = { userId: user.id, isAdmin: false };
    const created = await createTeam(database.prisma, actor, SLUG, "Starters");
    team = { id: created.id, actor, competitionId: competition.id };

    // The bundle exactly as a team downloads it, unzipped into a folder of its own.
    work = mkdtempSync(join(tmpdir(), "podium-starter-notebook-"));
    disposers.push(() => rmSync(work, { recursive: true, force: true }));
    bundle = join(work, "bundle");
    const version = await database.prisma.datasetVersion.findFirstOrThrow({ where: { competitionId: competition.id } });
    names = await unzipTo(await store.get(version.bundleKey!), bundle);
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const notebook = () => JSON.parse(readFileSync(join(bundle, STARTER_NOTEBOOK_NAME), "utf8")) as { cells: { id: string; cell_type: string; source: string[] }[] };

  /** Every code cell of the bundle's notebook, in order, as one script; run by python3 from the bundle's folder. */
  const runNotebook = (env: Record<string, string>) => {
    const python = pythonWithNumpyAndPillow();
    const script = notebook()
      .cells.filter((cell) => cell.cell_type === "code")
      .map((cell) => cell.source.join(""))
      .join("\n\n\n");
    const clean = { ...process.env };
    for (const name of ["PODIUM_SERVER", "PODIUM_TOKEN", "PODIUM_BUNDLE"]) delete clean[name];
    // Outside the bundle, so the notebook's own way of finding podium_client.py is what is tested.
    writeFileSync(join(work, "notebook.py"), script);
    rmSync(join(bundle, "results.json"), { force: true });
    // Asynchronously: the submitting run talks to a server in this process.
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(python, [join(work, "notebook.py")], { cwd: bundle, env: { ...clean, ...env }, timeout: 120_000 });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  };

  it("ships a valid nbformat 4 notebook: the task and this competition's weights, then load, baseline, write, validate, submit", () => {
    expect(names).toEqual(expect.arrayContaining([STARTER_NOTEBOOK_NAME, "README.md", "sample_submission.json", "podium_client.py"]));
    expect(names.filter((name) => /ground_truth|labels/.test(name))).toEqual([]);
    const { cells } = notebook();
    expectValidNotebook(JSON.parse(readFileSync(join(bundle, STARTER_NOTEBOOK_NAME), "utf8")) as Parameters<typeof expectValidNotebook>[0]);
    expect(cells.map((cell) => `${cell.cell_type}:${cell.id}`)).toEqual(["markdown:task", "code:load-bundle", "code:baseline", "code:write-results", "code:validation", "code:submit"]);
    const text = (i: number) => cells[i]!.source.join("");
    expect(text(0)).toContain("500·hit@1 + 300·hit@3 + 200·hit@10");
    expect(text(0)).toContain("`1:500,3:300,10:200`");
    expect(text(0)).toContain("pip install pillow numpy");
    expect(text(0)).toContain(`\`query/\` (${dataset.queries.length} images)`);
    expect(text(1)).toContain(`COMPETITION = "${SLUG}"`);
    expect(text(1)).toContain("WEIGHTS = [(1, 500), (3, 300), (10, 200)]");
    expect(text(5)).toMatch(/import podium_client/);
    expect(readFileSync(join(bundle, "README.md"), "utf8")).toContain("`starter.ipynb`");
  });

  it("runs in one python3 process without a token: its results file passes lib/scoring and beats a random ranking", async () => {
    const run = await runNotebook({});
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const { stdout } = run;
    expect(stdout).toContain(`${dataset.queries.length} queries, ${dataset.gallery.length} gallery images, ${dataset.training} training images of 5 identities`);
    expect(stdout).toContain(`wrote ${join(bundle, "results.json")}: ${dataset.queries.length} queries, up to 10 gallery names each`);

    // The validation split of the training images, scored by podium_client with the competition's weights.
    const validation = /validation score ([\d.]+) over 5 queries \(hit@1 [\d.]+, hit@3 [\d.]+, hit@10 [\d.]+\); a random ranking scores about ([\d.]+)/.exec(stdout);
    expect(validation, stdout).not.toBeNull();
    expect(Number(validation![1])).toBeGreaterThan(Number(validation![2]));

    // Without PODIUM_SERVER and PODIUM_TOKEN nothing is sent: the cell says how to submit.
    expect(stdout).toContain("Not submitted: set PODIUM_SERVER and PODIUM_TOKEN");
    expect(stdout).toContain(`python3 podium_client.py --server https://<podium server> --token <your token> submit --competition ${SLUG} results.json`);

    // The results file: every query, ten gallery names each, accepted by the server's own validator.
    const bytes = readFileSync(join(bundle, "results.json"));
    const results = JSON.parse(bytes.toString("utf8")) as Record<string, string[]>;
    expect(Object.keys(results).sort()).toEqual([...dataset.queries].sort());
    for (const list of Object.values(results)) expect(list).toHaveLength(10);
    const index = buildScoringIndex({ queries: dataset.queries, gallery: dataset.gallery, truth: new Map(Object.entries(dataset.truth)) });
    if (!index.ok) throw new Error(index.error.join("; "));
    const scored = scoreSubmission(new Uint8Array(bytes), index.value, { weights, allowPartial: false });
    if (!scored.ok) throw new Error(`lib/scoring refused the notebook's results: ${JSON.stringify(scored.error)}`);
    expect(scored.value.format).toBe("plain-map");
    const floor = randomFloor(weights, dataset.gallery.length);
    // A colour baseline on palettes: far above chance (≈ 113 here; the baseline scores ≈ 970).
    expect(scored.value.splits.all.score).toBeGreaterThan(3 * floor);
    expect(scored.value.splits.all.evaluated).toBe(dataset.queries.length);
  });

  it("submits results.json with podium_client when PODIUM_SERVER and PODIUM_TOKEN are set", async () => {
    // The submission routes' work through the project's own code (multipart reading, submitResults, the entry as the
    // API shows it), on loopback; the bearer token stands for the team's member.
    const api = `/api/v1/competitions/${SLUG}/submissions`;
    const seen: string[] = [];
    const server = await serveRequestHandler(async (request) => {
      const url = new URL(request.url);
      seen.push(`${request.method} ${url.pathname}`);
      if (request.headers.get("authorization") !== `Bearer ${TOKEN}`) return Response.json({ error: { code: "UNAUTHORIZED", message: "sign in" } }, { status: 401 });
      if (request.method === "POST" && url.pathname === api) {
        const { bytes, fileName } = await readMultipartFile(request, { field: "file", limit: 10 * 1024 * 1024 });
        const outcome = await submitResults(database, store, { competitionId: team.competitionId, teamId: team.id, userId: team.actor!.userId, channel: "API", bytes, fileName });
        const submission = await getSubmissionForActor(database.prisma, team.actor, SLUG, outcome.submissionId);
        return Response.json({ submission }, { status: outcome.kind === "scored" ? 201 : 422 });
      }
      const id = url.pathname.startsWith(`${api}/`) ? url.pathname.slice(api.length + 1) : null;
      if (request.method === "GET" && id) return Response.json({ submission: await getSubmissionForActor(database.prisma, team.actor, SLUG, id) });
      return new Response("not here", { status: 404 });
    });
    try {
      const run = await runNotebook({ PODIUM_SERVER: server.url, PODIUM_TOKEN: TOKEN });
      expect(run.status, run.stderr + run.stdout).toBe(0);
      const submitted = /submission (\S+): scored, public score ([\d.]+)/.exec(run.stdout);
      expect(submitted, run.stdout + run.stderr).not.toBeNull();
      expect(seen[0]).toBe(`POST ${api}`);
      const entry = await database.prisma.submission.findUniqueOrThrow({ where: { id: submitted![1]! } });
      expect(entry).toMatchObject({ teamId: team.id, status: "SCORED", kind: "RESULTS" });
      // The stored bytes are the notebook's results.json, and the score the cell prints is the server's.
      expect(Buffer.from(await store.get(entry.storageKey)).equals(readFileSync(join(bundle, "results.json")))).toBe(true);
      const index = buildScoringIndex({ queries: dataset.queries, gallery: dataset.gallery, truth: new Map(Object.entries(dataset.truth)) });
      if (!index.ok) throw new Error(index.error.join("; "));
      const scored = scoreSubmission(new Uint8Array(readFileSync(join(bundle, "results.json"))), index.value, { weights });
      if (!scored.ok) throw new Error(JSON.stringify(scored.error));
      expect(submitted![2]).toBe(scored.value.splits.all.score.toFixed(2));
    } finally {
      await server.close();
    }
  });
});
