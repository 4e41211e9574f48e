// npm run bench:models [-- --fp32-gb 1.2 --external-gb 2.2 --keep]
// Real-size encoders as teams export them, through the CLI to a running server on the embedded defaults (PGlite,
// folder storage, the in-process worker): a single fp32 .onnx of about 1.2 GB (a CLIP ViT-L/14 image tower's size)
// and an encoder over protobuf's 2 GiB, exported with its weights in an external data file (about 2.2 GB, a ViT-H's).
// For each it prints the upload time, the time from the upload's end to the check's verdict, the peak resident
// memory of the web process while it was uploaded and checked (goal: under 300 MiB above idle) and of the check's and
// the scoring run's model processes, and the score. The models and everything else are deleted afterwards.
// Needs `npm run build` and about 4× the models' size of free disk.
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { "fp32-gb": { type: "string", default: "1.2" }, "external-gb": { type: "string", default: "2.2" }, keep: { type: "boolean", default: false } } });
const work = mkdtempSync(join(tmpdir(), "podium-bench-models-"));
const dataDir = join(work, "data");
const secret = "bench-models-secret";

const { readSettings } = await import("../lib/config/env");
const { openDatabase } = await import("../lib/db/open-database");
const { servedFolderStore } = await import("../tests/helpers/serve-request-handler");
const { createApiToken } = await import("../lib/auth/api-tokens");
const { createTeam } = await import("../lib/teams/create-team");
const { createUser } = await import("../lib/users/create-user");
const { attr, buildModel, node, valueInfo } = await import("../lib/models/onnx-graph");
const { createContest } = await import("../tests/helpers/contest");
const { colourDataset } = await import("../tests/helpers/onnx-encoders");
const { startNextServer } = await import("../tests/helpers/next-server");

// ─── The encoders ────────────────────────────────────────────────────────────────────────────────────────────────
const SIZE = 32;
const WIDTH = 4096;
const LAYER_BYTES = WIDTH * WIDTH * 4;
const EMBEDDING = 256;

/** Deterministic weights in ±1/√fan-in (xorshift): activations stay bounded through every Tanh. */
function layerWeights(seed: number, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  let state = (seed * 2654435761) >>> 0 || 1;
  const scale = 1 / Math.sqrt(rows);
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** GAP → MatMul [3, 4096] → Tanh → (MatMul [4096, 4096] → Tanh) × layers → MatMul [4096, 256]: a deep MLP head. */
function encoderGraph(layers: number, initializer: (name: string, dims: number[], index: number) => object) {
  const nodes = [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }), node("MatMul", ["flat", "w_in"], ["m_in"]), node("Tanh", ["m_in"], ["h0"])];
  const initializers = [initializer("w_in", [3, WIDTH], 0)];
  for (let i = 0; i < layers; i++) {
    nodes.push(node("MatMul", [`h${i}`, `w${i}`], [`m${i}`]), node("Tanh", [`m${i}`], [`h${i + 1}`]));
    initializers.push(initializer(`w${i}`, [WIDTH, WIDTH], i + 1));
  }
  nodes.push(node("MatMul", [`h${layers}`, "w_out"], ["embedding"]));
  initializers.push(initializer("w_out", [WIDTH, EMBEDDING], layers + 1));
  return {
    nodes,
    inputs: [valueInfo("image", "float", ["N", 3, SIZE, SIZE])],
    outputs: [valueInfo("embedding", "float", ["N", EMBEDDING])],
    initializers: initializers as never[],
    metadata: { "podium.manifest": JSON.stringify({ input: "image", output: "embedding", size: SIZE, resize: "squash", batchSize: 8 }) },
  };
}

const layersFor = (gigabytes: number) => Math.max(1, Math.round((gigabytes * 1e9) / LAYER_BYTES));

/** One self-contained .onnx: every weight inside the protobuf. */
function writeSingleFile(path: string, gigabytes: number): void {
  const layers = layersFor(gigabytes);
  const model = buildModel(
    encoderGraph(layers, (name, dims, index) => {
      const weights = layerWeights(index, dims[0]!, dims[1]!);
      return { name, dims, dataType: 1, rawData: new Uint8Array(weights.buffer) };
    }) as never,
  );
  writeFileSync(path, model);
}

/** An .onnx of a few kilobytes and its weights in `<name>.data`, as torch.onnx.export(…, external_data=True) writes. */
function writeWithExternalData(path: string, gigabytes: number): string {
  const layers = layersFor(gigabytes);
  const dataPath = `${path}.data`;
  const location = `${path.split("/").pop()!}.data`;
  const fd = openSync(dataPath, "w");
  let offset = 0;
  const model = buildModel(
    encoderGraph(layers, (name, dims, index) => {
      const weights = layerWeights(index, dims[0]!, dims[1]!);
      const bytes = new Uint8Array(weights.buffer);
      writeSync(fd, bytes, 0, bytes.length, offset);
      const entry = { name, dims, dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: location }, { key: "offset", value: String(offset) }, { key: "length", value: String(bytes.length) }] };
      offset += bytes.length;
      return entry;
    }) as never,
  );
  closeSync(fd);
  writeFileSync(path, model);
  return dataPath;
}

// ─── A contest on the embedded defaults ──────────────────────────────────────────────────────────────────────────
console.log(`setting up a contest on the embedded defaults in ${work} …`);
const settings = readSettings({ PODIUM_DATA_DIR: dataDir });
let tokens: { organizer: string; team: string };
{
  const db = await openDatabase({ database: settings.database, migrate: true, purpose: "bench:models setup" });
  // The organizer's upload goes through presigned URLs, served here until the server takes over the folder.
  const { store, dispose } = await servedFolderStore(secret, join(dataDir, "blobs"), { keepFiles: true });
  const { entries } = await colourDataset({ ranks: Array.from({ length: 20 }, (_, i) => 1 + (i % 12)), gallery: 120, seed: 5 });
  const contest = await createContest(db.prisma, store, { slug: "towers", entries, settings: { submissionKinds: "model", dailyLimit: null, totalLimit: null } });
  const user = await createUser(db.prisma, { email: "team@towers.bench", password: "bench towers password 1" });
  await createTeam(db.prisma, { userId: user.id, isAdmin: false }, "towers", "Towers");
  tokens = { organizer: (await createApiToken(db.prisma, { userId: contest.organizer!.userId, name: "bench" })).token, team: (await createApiToken(db.prisma, { userId: user.id, name: "bench" })).token };
  await db.close();
  await dispose();
}
const server = await startNextServer({ PODIUM_DATA_DIR: dataDir, PODIUM_SECRET: secret, S3_BUCKET: "", DATABASE_URL: "", PODIUM_EXECUTION_PROVIDERS: "cpu" });

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
await sleep(3000);
const idleKiB = rssKiB(server.pid!);

const cliEnv = { ...process.env, PODIUM_CONFIG_DIR: join(work, "config") };
const cli = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string; lines: { at: number; line: string }[] }>((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), "bin", "podium.mjs"), ...args], { env: cliEnv });
    let stdout = "";
    let stderr = "";
    const lines: { at: number; line: string }[] = [];
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      for (const line of chunk.toString().split(/[\r\n]+/).filter(Boolean)) lines.push({ at: performance.now(), line });
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, lines }));
  });
if ((await cli(["login", "--server", server.url, "--token", tokens.team])).code !== 0) throw new Error("podium login failed");

async function submission(id: string) {
  const response = await fetch(`${server.url}/api/v1/competitions/towers/submissions/${id}`, { headers: { authorization: `Bearer ${tokens.organizer}` } });
  return ((await response.json()) as { submission: { status: string; error?: string | null; scores?: { public?: { score: number } }; publicScore?: number; job?: { memory?: { run: string; peakBytes: number | null; capBytes: number | null }[] } } }).submission;
}

const rows: string[][] = [];
const MiB = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
for (const kind of ["fp32", "external"] as const) {
  const gigabytes = Number(kind === "fp32" ? values["fp32-gb"] : values["external-gb"]);
  const modelPath = join(work, kind === "fp32" ? "tower-fp32.onnx" : "tower-external.onnx");
  console.log(`building the ${kind === "fp32" ? "single-file fp32" : "external-data"} encoder (${gigabytes} GB) …`);
  const dataPath = kind === "fp32" ? (writeSingleFile(modelPath, gigabytes), null) : writeWithExternalData(modelPath, gigabytes);
  const bytes = statSync(modelPath).size + (dataPath ? statSync(dataPath).size : 0);
  let peakKiB = 0;
  const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, rssKiB(server.pid!))), 100);
  const started = performance.now();
  const run = await cli(["submit", "--competition", "towers", modelPath, ...(dataPath ? ["--data", dataPath] : [])]);
  const verdictAt = performance.now();
  clearInterval(sampler);
  const uploadedAt = run.lines.find((entry) => entry.line.startsWith("checking the model"))?.at ?? verdictAt;
  const packedAt = run.lines.find((entry) => entry.line.startsWith("uploading"))?.at ?? started;
  const id = /submission (\S+):/.exec(run.stdout)?.[1];
  if (run.code !== 0 || !id) {
    console.log(`  refused or failed (exit ${run.code}):\n${run.stderr}\n${run.stdout}`);
    rows.push([kind, `${(bytes / 1e9).toFixed(2)} GB`, "—", "—", MiB(peakKiB - idleKiB), "—", "—", `exit ${run.code}`]);
    continue;
  }
  let seen = await submission(id);
  while (["queued", "running", "checking"].includes(seen.status)) {
    await sleep(1000);
    seen = await submission(id);
  }
  const scoredAt = performance.now();
  const memory = (run: string) => seen.job?.memory?.find((entry) => entry.run.startsWith(run));
  const describe = (entry: ReturnType<typeof memory>) => (entry?.peakBytes ? `${MiB(entry.peakBytes / 1024)}${entry.capBytes ? ` of ${MiB(entry.capBytes / 1024)}` : ""}` : "—");
  const score = seen.publicScore ?? seen.scores?.public?.score;
  rows.push([
    kind,
    `${(bytes / 1e9).toFixed(2)} GB`,
    `${((uploadedAt - packedAt) / 1000).toFixed(1)} s${dataPath ? ` (+${((packedAt - started) / 1000).toFixed(1)} s packing)` : ""}`,
    `${((verdictAt - uploadedAt) / 1000).toFixed(1)} s`,
    `${MiB(peakKiB - idleKiB)} (${MiB(peakKiB)} peak)`,
    describe(memory("check")),
    `${describe(memory("scoring"))}, ${((scoredAt - verdictAt) / 1000).toFixed(0)} s`,
    seen.status === "scored" ? String(score?.toFixed?.(2) ?? score) : `${seen.status}: ${seen.error ?? ""}`,
  ]);
  rmSync(modelPath, { force: true });
  if (dataPath) rmSync(dataPath, { force: true });
}

await server.stop();
console.log(`\nbench:models — embedded defaults, web process idle at ${MiB(idleKiB)}`);
const header = ["model", "size", "upload", "to the check's verdict", "web process above idle", "check (dry run) peak", "scoring run peak, time", "public score"];
console.log(header.join(" | "));
for (const row of rows) console.log(row.join(" | "));
if (!values.keep) rmSync(work, { recursive: true, force: true });
