import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { startNextServer, type RunningServer } from "../helpers/next-server";
import { colourDataset, expectedScore, exportedFormEncoder, externalDataEncoder, meanColourEncoder, meanColourManifest, slowEncoder, type ExportedForm } from "../helpers/onnx-encoders";
import { runPodium } from "../helpers/run-cli";
import { createPostgresDatabase } from "../helpers/services";

// End to end against a running server (its in-process worker on the CPU): `podium submit MODEL.onnx --manifest
// --wait` uploads in parts, sees the worker's progress and gets the score; the generated top-10 file, downloaded
// through the API and scored by `podium score`, gives the same number.

const RANKS = [1, 2, 1, 5, 7, 12];

/** A GET on its own connection (no keep-alive pool: the server closes idle sockets between the slow steps here). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, location: response.headers.location, body }));
    });
    request.on("error", reject);
  });
}

describe("model entries over HTTP", () => {
  let server: RunningServer;
  let database: Database;
  let work: string;
  let drop: () => Promise<void>;
  let token = "";
  let outsiderToken = "";
  const env = () => ({ PODIUM_CONFIG_DIR: join(work, "config") });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "podium-http-models-"));
    const created = await createPostgresDatabase();
    drop = created.drop;
    database = await openDatabase({ database: { kind: "postgres", url: created.url, dataDir: "" }, migrate: true });
    server = await startNextServer({ DATABASE_URL: created.url, PODIUM_DATA_DIR: join(work, "data"), PODIUM_SECRET: "models-secret", S3_BUCKET: "", PODIUM_EXECUTION_PROVIDERS: "cpu" });
    const store = new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: server.url, secret: "models-secret" });
    const { entries } = await colourDataset({ ranks: RANKS, gallery: 120, seed: 3 });
    // The fixture's schedule, zone and freeze, but the whole set public: `podium score` of the generated file (the
    // whole set) and the closed-form expectation compare with the public number the CLI prints.
    await createContest(database.prisma, store, { slug: "encoders", entries, settings: { submissionKinds: "model,results", dailyLimit: "5", publicFraction: 1 } });
    const user = await createUser(database.prisma, { email: "team@models.test", password: "team password 1" });
    await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "encoders", "Embedders");
    token = (await createApiToken(database.prisma, { userId: user.id, name: "cli" })).token;
    const outsider = await createUser(database.prisma, { email: "outsider@models.test", password: "outsider password" });
    await createTeam(database.prisma, { userId: outsider.id, isAdmin: false }, "encoders", "Others");
    outsiderToken = (await createApiToken(database.prisma, { userId: outsider.id, name: "cli" })).token;
    expect(runPodium(["login", "--server", server.url, "--token", token], env()).status).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
    await drop?.();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("uploads, shows progress and scores a model; its generated file rescores to the same number", async () => {
    writeFileSync(join(work, "encoder.onnx"), slowEncoder(3000));
    writeFileSync(join(work, "manifest.json"), JSON.stringify({ ...meanColourManifest, batchSize: 1 }));
    const run = runPodium(["submit", "--competition", "encoders", join(work, "encoder.onnx"), "--manifest", join(work, "manifest.json"), "--wait"], env());
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).toMatch(/uploading encoder\.onnx 100%/);
    expect(run.stderr).toMatch(/checking the model/);
    // The worker's progress, drawn as it runs: a team sees a coarse percentage, never images done (tests/security).
    expect(run.stderr).toMatch(/embedding (queries|gallery) \d*0%/);
    expect(run.stderr).not.toMatch(/embedding (queries|gallery) \d+% \(\d+ of \d+\)/);
    const id = /submission (\S+): scored/.exec(run.stdout)?.[1];
    expect(id, run.stdout).toBeTruthy();
    expect(run.stdout).toMatch(/ran on cpu/);
    const publicScore = Number(/public\s+([\d.]+)/.exec(run.stdout)?.[1]);

    // The team downloads the generated top-10 file; `podium score` on it matches the recorded score.
    const redirect = await get(`${server.url}/api/v1/competitions/encoders/submissions/${id}/results`, { authorization: `Bearer ${token}` });
    expect(redirect.status).toBe(302);
    const download = await get(new URL(redirect.location!, server.url).toString());
    expect(download.status).toBe(200);
    const generated = download.body;
    writeFileSync(join(work, "generated.json"), generated);
    const version = await database.prisma.datasetVersion.findFirstOrThrow({ where: { competition: { slug: "encoders" } } });
    const store = new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: server.url, secret: "models-secret" });
    writeFileSync(join(work, "truth.json"), await store.get(version.truthKey!));
    const rescored = runPodium(["score", "--truth", join(work, "truth.json"), join(work, "generated.json")], env());
    expect(rescored.status, rescored.stderr).toBe(0);
    expect(JSON.parse(rescored.stdout).score).toBeCloseTo(publicScore, 2);

    // Another team can neither see the entry nor download its generated file.
    for (const path of [`submissions/${id}`, `submissions/${id}/results`]) {
      const refused = await get(`${server.url}/api/v1/competitions/encoders/${path}`, { authorization: `Bearer ${outsiderToken}` });
      expect(refused.status).toBe(404);
    }
  });

  it("scores the closed-form encoder exactly and `podium status` shows it", async () => {
    writeFileSync(join(work, "mean.onnx"), meanColourEncoder());
    writeFileSync(join(work, "mean.json"), JSON.stringify(meanColourManifest));
    const run = runPodium(["submit", "--competition", "encoders", join(work, "mean.onnx"), "--manifest", join(work, "mean.json"), "--wait"], env());
    expect(run.status, run.stderr).toBe(0);
    const id = /submission (\S+): scored/.exec(run.stdout)![1]!;
    expect(Number(/public\s+([\d.]+)/.exec(run.stdout)?.[1])).toBeCloseTo(expectedScore(RANKS), 2);
    const status = runPodium(["status", "--competition", "encoders", id], env());
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(`submission ${id}: scored`);
  });

  it("scores a model exported with external data, sent with `podium submit MODEL.onnx --data FILE --wait`", async () => {
    const { model, data } = externalDataEncoder({ location: "tower.onnx.data", padding: 1024 });
    const dir = join(work, "external");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "tower.onnx"), model);
    writeFileSync(join(dir, "tower.onnx.data"), data);
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(meanColourManifest));
    const run = runPodium(["submit", "--competition", "encoders", join(dir, "tower.onnx"), "--data", join(dir, "tower.onnx.data"), "--manifest", join(dir, "manifest.json"), "--wait"], env());
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).toMatch(/packing tower\.onnx with 1 data file\(s\)/);
    expect(run.stderr).toMatch(/uploading podium-model-[0-9a-f]+\.tar 100%/);
    expect(Number(/public\s+([\d.]+)/.exec(run.stdout)?.[1])).toBeCloseTo(expectedScore(RANKS), 2);
    // The entry keeps the name the team knows: the model's, as a .tar.
    const id = /submission (\S+): scored/.exec(run.stdout)![1]!;
    expect((await database.prisma.submission.findUniqueOrThrow({ where: { id } })).fileName).toBe("tower.tar");
  });

  it("refuses a model with a wrong input name before queueing, exit 1 with the reason", async () => {
    writeFileSync(join(work, "wrong.json"), JSON.stringify({ ...meanColourManifest, input: "pixels" }));
    const run = runPodium(["submit", "--competition", "encoders", join(work, "mean.onnx"), "--manifest", join(work, "wrong.json")], env());
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/invalid model .*mean\.onnx:\nthe manifest's input "pixels" is not an input of the model \(its inputs: "image"\)/);
  });

  it("scores every form teams export — fixed batch 1 and 16, float16, uint8 NHWC, [N, 1, D] — through `podium submit --wait`", async () => {
    const user = await createUser(database.prisma, { email: "exporter@models.test", password: "exporter password 1" });
    await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "encoders", "Exporters");
    const exporterToken = (await createApiToken(database.prisma, { userId: user.id, name: "cli" })).token;
    const exporterEnv = { PODIUM_CONFIG_DIR: join(work, "exporter-config") };
    expect(runPodium(["login", "--server", server.url, "--token", exporterToken], exporterEnv).status).toBe(0);
    const forms: ExportedForm[] = ["fixed-batch-1", "fixed-batch-16", "float16", "uint8-nhwc", "n-1-d"];
    for (const form of forms) {
      const { model, manifest } = exportedFormEncoder(form);
      writeFileSync(join(work, `${form}.onnx`), model);
      writeFileSync(join(work, `${form}.json`), JSON.stringify(manifest));
      const run = runPodium(["submit", "--competition", "encoders", join(work, `${form}.onnx`), "--manifest", join(work, `${form}.json`), "--wait"], exporterEnv);
      expect(run.status, `${form}: ${run.stderr}${run.stdout}`).toBe(0);
      expect(run.stdout, form).toMatch(/submission \S+: scored/);
      expect(Number(/public\s+([\d.]+)/.exec(run.stdout)?.[1]), form).toBeCloseTo(expectedScore(RANKS), 2);
    }
  });
});
