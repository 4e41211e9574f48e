import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readMigrations } from "../../lib/db/migrate";
import { PARALLEL_MIN_BYTES, buildScoringIndex, scoreSubmission } from "../../lib/scoring";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultsWithRanks, writeDatasetFolder } from "../helpers/dataset-fixture";
import { runPodium } from "../helpers/run-cli";
import { createPostgresDatabase } from "../helpers/services";

describe("podium score", () => {
  let dir: string;
  let names: { queries: string[]; gallery: string[] };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "podium-cli-"));
    names = writeDatasetFolder(join(dir, "dataset"), 8, 30);
    writeDatasetFolder(join(dir, "dataset-csv"), 8, 30, "csv");
    // First correct ranks 1, 3, 8, none, repeated: (1000 + 400 + 100 + 0) / 4 = 375.
    writeFileSync(join(dir, "results.json"), JSON.stringify(resultsWithRanks(names.queries, names.gallery, [1, 3, 8, 0])));
    writeFileSync(join(dir, "gallery.txt"), names.gallery.join("\n"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the documented JSON and agrees with the hand computation", () => {
    const run = runPodium(["score", "--dataset", join(dir, "dataset"), join(dir, "results.json")]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(Object.keys(output)).toEqual(["score", "hit", "evaluated", "missing", "ci95"]);
    expect(output.score).toBe(375);
    expect(output.hit).toEqual({ "1": 0.25, "5": 0.5, "10": 0.75 });
    expect(output.evaluated).toBe(8);
    expect(output.missing).toBe(0);
    expect(output.ci95[0]).toBeLessThanOrEqual(375);
    expect(output.ci95[1]).toBeGreaterThanOrEqual(375);
  });

  it("reads labels.csv the same as ground_truth.json", () => {
    const run = runPodium(["score", "--dataset", join(dir, "dataset-csv"), join(dir, "results.json")]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).score).toBe(375);
  });

  it("applies custom weights and prints split scores when asked", () => {
    const run = runPodium(["score", "--dataset", join(dir, "dataset"), "--weights", "1:1000", "--seed", "3", "--public-fraction", "0.5", join(dir, "results.json")]);
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output.score).toBe(250);
    expect(output.splits.public.evaluated + output.splits.private.evaluated).toBe(8);
    expect(output.splits.public.evaluated).toBe(4);
  });

  it("scores with --truth alone and says that unknown gallery names cannot be detected", () => {
    const run = runPodium(["score", "--truth", join(dir, "dataset", "ground_truth.json"), join(dir, "results.json")]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/unknown gallery names cannot be detected/);
    expect(JSON.parse(run.stdout).warnings[0]).toMatch(/unknown gallery names cannot be detected/);
    const withGallery = runPodium(["score", "--truth", join(dir, "dataset", "ground_truth.json"), "--gallery", join(dir, "gallery.txt"), join(dir, "results.json")]);
    expect(withGallery.status).toBe(0);
    expect(JSON.parse(withGallery.stdout).score).toBe(375);
    // Folder prefixes in the truth take the general path (JSON.parse, names stripped) to the same score.
    const prefixed = Object.fromEntries(names.queries.map((query, i) => [`query/${query}`, [`gallery/${names.gallery[i]!}`]]));
    writeFileSync(join(dir, "prefixed-truth.json"), JSON.stringify(prefixed));
    const viaGeneralPath = runPodium(["score", "--truth", join(dir, "prefixed-truth.json"), "--gallery", join(dir, "gallery.txt"), join(dir, "results.json")]);
    expect(JSON.parse(viaGeneralPath.stdout).score).toBe(375);
  });

  it("exits 1 with the validation errors on stderr for an invalid file", () => {
    const bad = { ...resultsWithRanks(names.queries, names.gallery, [1]), [names.queries[0]!]: ["nope.jpg"] };
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
    const run = runPodium(["score", "--dataset", join(dir, "dataset"), join(dir, "bad.json")]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/1 list entry names a file not in the gallery: query "q0000\.jpg", position 1, "nope\.jpg"/);
  });

  it("allows partial files with --allow-partial", () => {
    writeFileSync(join(dir, "partial.json"), JSON.stringify({ [names.queries[0]!]: [names.gallery[0]!] }));
    expect(runPodium(["score", "--dataset", join(dir, "dataset"), join(dir, "partial.json")]).status).toBe(1);
    const run = runPodium(["score", "--dataset", join(dir, "dataset"), "--allow-partial", join(dir, "partial.json")]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ score: 125, missing: 7 });
  });

  it("explains bad arguments with exit status 2", () => {
    const cases: Array<[string[], RegExp]> = [
      [["score", join(dir, "results.json")], /give either --dataset or --truth/],
      [["score", "--dataset", join(dir, "nowhere"), join(dir, "results.json")], /dataset folder .*nowhere does not exist/],
      [["score", "--dataset", join(dir, "dataset"), "--weights", "1:600,1:300", join(dir, "results.json")], /k=1 appears twice/],
      [["score", "--dataset", join(dir, "dataset"), "--public-fraction", "2", join(dir, "results.json")], /--public-fraction: must be between 0 and 1/],
      [["score", "--dataset", join(dir, "dataset"), "--bogus", join(dir, "results.json")], /Unknown option '--bogus'/],
      [["score", "--dataset", join(dir, "dataset"), join(dir, "missing.json")], /submission .*missing\.json does not exist/],
      [["frobnicate"], /unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const run = runPodium(args);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it("scores a large file with two threads to the same numbers as the library", () => {
    const n = 25_000;
    const queries = Array.from({ length: n }, (_, i) => `${createHash("md5").update(`q${i}`).digest("hex")}.jpg`);
    const gallery = Array.from({ length: n + 500 }, (_, i) => `${createHash("md5").update(`g${i}`).digest("hex")}.jpg`);
    const truth = Object.fromEntries(queries.map((q, i) => [q, [gallery[i]!]]));
    const results = Object.fromEntries(queries.map((q, i) => [q, Array.from({ length: 10 }, (_, j) => gallery[(i + j * (i % 5 === 0 ? 1 : 13)) % gallery.length]!)]));
    writeFileSync(join(dir, "big-truth.json"), JSON.stringify(truth));
    writeFileSync(join(dir, "big-gallery.txt"), gallery.join("\n"));
    const bytes = Buffer.from(JSON.stringify(results));
    expect(bytes.length).toBeGreaterThan(PARALLEL_MIN_BYTES);
    writeFileSync(join(dir, "big-results.json"), bytes);
    const run = runPodium(["score", "--truth", join(dir, "big-truth.json"), "--gallery", join(dir, "big-gallery.txt"), join(dir, "big-results.json")]);
    expect(run.stderr).toBe("");
    const index = buildScoringIndex({ queries, gallery, truth: new Map(Object.entries(truth)) });
    if (!index.ok) throw new Error("index");
    const expected = scoreSubmission(bytes, index.value);
    if (!expected.ok) throw new Error("score");
    expect(JSON.parse(run.stdout)).toMatchObject({ score: expected.value.splits.all.score, ci95: expected.value.splits.all.ci95, evaluated: n });
  });

  it("prints help for the program and for a command", () => {
    const help = runPodium(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/score .*db migrate/s);
    const scoreHelp = runPodium(["score", "--help"]);
    expect(scoreHelp.stdout).toMatch(/Usage: podium score/);
  });
});

describe("podium db migrate", () => {
  const MIGRATIONS = readMigrations().map((migration) => migration.name);

  it("migrates an embedded database, then finds it up to date", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "podium-migrate-"));
    try {
      const first = runPodium(["db", "migrate"], { PODIUM_DATA_DIR: dataDir, DATABASE_URL: "" });
      expect(first.stderr).toBe("");
      expect(first.stdout.trim()).toBe(`applied ${MIGRATIONS.length} migration(s): ${MIGRATIONS.join(", ")}`);
      const second = runPodium(["db", "migrate"], { PODIUM_DATA_DIR: dataDir, DATABASE_URL: "" });
      expect(second.stdout).toContain(`database is up to date (${MIGRATIONS.length} migrations applied before)`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("migrates PostgreSQL named by DATABASE_URL", async () => {
    const created = await createPostgresDatabase();
    try {
      const run = runPodium(["db", "migrate"], { DATABASE_URL: created.url });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`applied ${MIGRATIONS.length} migration(s): ${MIGRATIONS[0]}`);
    } finally {
      await created.drop();
    }
  });

  it("names the problem when PostgreSQL cannot be reached", () => {
    const run = runPodium(["db", "migrate"], { DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/ECONNREFUSED|connect/);
  });
});
