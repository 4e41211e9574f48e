import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDatasetFolder } from "../../lib/datasets/read-dataset-folder";
import { validateDatasetArchive } from "../../lib/datasets/validate-dataset-archive";
import { buildDemoDataset, type DemoDatasetOptions } from "../../lib/demo/build-demo-dataset";
import { zipDatasetFiles } from "../../lib/demo/zip-dataset-files";
import { bufferSource } from "../helpers/archives";

const SMALL: DemoDatasetOptions = { seed: "test-demo", identities: 8, galleryStylesPerIdentity: 3, distractors: 3, trainingIdentities: 4, trainingPhotos: 2, trainingPortraits: 2, image: { size: 64 } };
const folders: string[] = [];
const freshFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), "podium-demo-"));
  folders.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("buildDemoDataset", () => {
  it("builds a zip that Podium's own validator accepts, with every query matched", async () => {
    const dataset = await buildDemoDataset(SMALL);
    const zip = await zipDatasetFiles(dataset.files);
    const { report, queries, gallery, training, truth } = await validateDatasetArchive({ source: bufferSource(zip), kind: "zip" });
    expect(report.rejection).toBeNull();
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.status).toBe("ready");
    expect(report.counts).toMatchObject({ query: 8, gallery: (8 + 3) * 3, training: 4 * 4, trainingIdentities: 4, evaluated: 8, unmatchedQueries: 0 });
    expect(queries.sort()).toEqual(dataset.queries);
    expect(gallery.sort()).toEqual(dataset.gallery);
    expect(training).toHaveLength(dataset.training.length);
    expect(Object.fromEntries(truth!)).toEqual(dataset.truth);
  });

  it("writes a folder that the dataset folder reader reads back", async () => {
    const outDir = join(freshFolder(), "demo");
    const zipPath = join(freshFolder(), "archive", "demo.zip");
    const dataset = await buildDemoDataset({ ...SMALL, outDir, zipPath });
    const read = readDatasetFolder(outDir);
    if (!read.ok) throw new Error(read.error.join("\n"));
    expect(read.value.queries).toEqual(dataset.queries);
    expect(read.value.gallery).toEqual(dataset.gallery);
    expect(Object.fromEntries(read.value.truth)).toEqual(dataset.truth);
    expect(readdirSync(join(outDir, "training")).sort()).toEqual(["person_0001", "person_0002", "person_0003", "person_0004"]);
    expect(readdirSync(join(outDir, "training", "person_0001")).sort()).toEqual(["cartoon_1.jpg", "photo_1.jpg", "photo_2.jpg", "sketch_1.jpg"]);
    expect(readdirSync(join(zipPath, ".."))).toEqual(["demo.zip"]);
  });

  it("names files without revealing who is in them", async () => {
    const dataset = await buildDemoDataset(SMALL);
    expect(dataset.queries.every((name) => /^q_\d{4}\.jpg$/.test(name))).toBe(true);
    expect(dataset.gallery.every((name) => /^g_\d{5}\.jpg$/.test(name))).toBe(true);
    // Each test identity has all three styles in the gallery, scattered among the distractors.
    expect(Object.values(dataset.truth).every((matches) => matches.length === 3)).toBe(true);
    const firstMatches = dataset.queries.map((query) => dataset.truth[query]![0]!);
    expect(firstMatches).not.toEqual([...firstMatches].sort());
    expect(new Set(Object.values(dataset.truth).flat()).size).toBe(8 * 3);
  });

  it("builds byte-identical datasets from the same seed and different ones from another", async () => {
    const first = await buildDemoDataset(SMALL);
    const again = await buildDemoDataset({ ...SMALL, concurrency: 1 });
    expect(again.files.map((file) => file.path)).toEqual(first.files.map((file) => file.path));
    expect(again.files.every((file, i) => file.bytes.equals(first.files[i]!.bytes))).toBe(true);
    const other = await buildDemoDataset({ ...SMALL, seed: "another-demo" });
    const firstQuery = first.files.find((file) => file.path === "query/q_0001.jpg")!;
    expect(other.files.find((file) => file.path === "query/q_0001.jpg")!.bytes.equals(firstQuery.bytes)).toBe(false);
  });

  it("refuses to write into a folder that already holds files", async () => {
    const outDir = freshFolder();
    writeFileSync(join(outDir, "stray.txt"), "not part of the demo");
    await expect(buildDemoDataset({ ...SMALL, outDir })).rejects.toThrow(/not empty/);
  });
});
