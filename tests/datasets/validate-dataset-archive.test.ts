import { describe, expect, it } from "vitest";
import { validateDatasetArchive } from "../../lib/datasets/validate-dataset-archive";
import type { ArchiveKind } from "../../lib/datasets/archive-entries";
import { bufferSource, makeImage, tarArchive, validDatasetEntries, zipArchive, type FixtureEntry } from "../helpers/archives";

async function validate(bytes: Buffer, kind: ArchiveKind, limits = {}) {
  const stored: string[] = [];
  const result = await validateDatasetArchive({ source: bufferSource(bytes), kind, limits, storeFile: async (path) => void stored.push(path) });
  return { ...result, stored };
}

const toZip = (entries: FixtureEntry[]) => zipArchive(entries.filter((e) => e.type !== "directory").map((e) => ({ name: e.name, data: e.data ?? "" })));

describe("validateDatasetArchive on valid archives", () => {
  it.each(["zip", "tar", "tar.gz"] as const)("accepts a %s in the archive layout and counts every folder", async (kind) => {
    const entries = await validDatasetEntries(4, { training: true });
    const bytes = kind === "zip" ? toZip(entries) : await tarArchive(entries, kind === "tar.gz");
    const { report, queries, gallery, training, truth, stored } = await validate(bytes, kind);
    expect(report.rejection).toBeNull();
    expect(report.problems).toEqual([]);
    expect(report.status).toBe("ready");
    expect(report.counts).toMatchObject({ query: 4, gallery: 6, training: 3, trainingIdentities: 2, evaluated: 4, unmatchedQueries: 0 });
    expect(report.truthFile).toBe("ground_truth.json");
    expect(queries.sort()).toEqual(["q0.jpg", "q1.jpg", "q2.jpg", "q3.jpg"]);
    expect(gallery).toHaveLength(6);
    expect(training).toContainEqual({ identity: "alice", file: "a1.jpg" });
    expect(truth?.get("q2.jpg")).toEqual(["g2.jpg"]);
    expect(stored).toContain("training/bob/b1.jpg");
    expect(stored).not.toContain("ground_truth.json");
  });

  it("reads labels.csv and a single wrapping folder", async () => {
    const entries = await validDatasetEntries(3, { labels: "csv", prefix: "my-dataset/" });
    const { report, truth } = await validate(await tarArchive(entries, true), "tar.gz");
    expect(report.status).toBe("ready");
    expect(report.truthFile).toBe("labels.csv");
    expect(truth?.get("q1.jpg")).toEqual(["g1.jpg"]);
  });

  it("reports queries without a match as warnings, not problems", async () => {
    const entries = await validDatasetEntries(3);
    entries.push({ name: "query/lonely.jpg", data: await makeImage(77) }, { name: "README.md", data: "about" });
    const { report } = await validate(await tarArchive(entries), "tar");
    expect(report.status).toBe("ready");
    expect(report.counts.unmatchedQueries).toBe(1);
    expect(report.warnings).toContainEqual({ file: "query/lonely.jpg", problem: "has no matching gallery file: it will not be scored" });
    expect(report.warnings.map((w) => w.file)).toContain("README.md");
  });
});

interface HostileCase {
  name: string;
  make: () => Promise<Buffer>;
  kind: ArchiveKind;
  reason: RegExp;
  limits?: Record<string, number>;
}

const hostile: HostileCase[] = [
  { name: "tar entry climbing out with ..", kind: "tar", make: async () => tarArchive([{ name: "query/../../evil.jpg", data: await makeImage(1) }]), reason: /"query\/\.\.\/\.\.\/evil\.jpg" climbs out of the archive with "\.\."/ },
  { name: "tar entry with an absolute path", kind: "tar", make: async () => tarArchive([{ name: "/etc/cron.d/evil", data: "x" }]), reason: /"\/etc\/cron\.d\/evil" has an absolute path/ },
  { name: "tar symbolic link", kind: "tar", make: async () => tarArchive([{ name: "query/link.jpg", type: "symlink", linkname: "/etc/passwd" }]), reason: /"query\/link\.jpg" is a symbolic link; links are not allowed/ },
  { name: "tar hard link", kind: "tar", make: async () => tarArchive([{ name: "gallery/a.jpg", data: await makeImage(2) }, { name: "gallery/b.jpg", type: "link", linkname: "gallery/a.jpg" }]), reason: /"gallery\/b\.jpg" is a hard link/ },
  { name: "tar character device", kind: "tar", make: async () => tarArchive([{ name: "query/dev.jpg", type: "character-device" }]), reason: /"query\/dev\.jpg" is a device or special file/ },
  { name: "zip entry climbing out with ..", kind: "zip", make: async () => zipArchive([{ name: "../outside.jpg", data: await makeImage(3) }]), reason: /"\.\.\/outside\.jpg" climbs out/ },
  { name: "zip entry with an absolute Windows path", kind: "zip", make: async () => zipArchive([{ name: "C:/Windows/evil.jpg", data: "x" }]), reason: /has an absolute path/ },
  { name: "zip symbolic link", kind: "zip", make: async () => zipArchive([{ name: "query/link.jpg", data: "/etc/passwd", mode: 0o120777, deflate: false }]), reason: /"query\/link\.jpg" is a symbolic link/ },
  { name: "zip bomb (one highly compressed entry)", kind: "zip", make: async () => zipArchive([{ name: "gallery/bomb.jpg", data: Buffer.alloc(64 * 1024 * 1024) }]), reason: /"gallery\/bomb\.jpg" expands \d+:1, over the 100:1 limit \(a zip bomb\?\)/ },
  { name: "tar.gz compression bomb", kind: "tar.gz", make: async () => tarArchive([{ name: "gallery/zeros.jpg", data: Buffer.alloc(48 * 1024 * 1024) }], true), reason: /the \.tar\.gz expands more than 100:1 \(a compression bomb\?\)/ },
  {
    name: "too many entries",
    kind: "tar",
    limits: { maxEntries: 10 },
    make: async () => tarArchive(await Promise.all(Array.from({ length: 12 }, async (_, i) => ({ name: `gallery/g${i}.jpg`, data: await makeImage(i) })))),
    reason: /more than 10 entries/,
  },
  { name: "total uncompressed size over the limit", kind: "zip", limits: { maxTotalBytes: 2000 }, make: async () => zipArchive([{ name: "gallery/a.jpg", data: Buffer.alloc(3000, 7) }]), reason: /the archive expands to more than 2\.0 KiB/ },
  { name: "the same entry twice", kind: "tar", make: async () => { const image = await makeImage(4); return tarArchive([{ name: "query/a.jpg", data: image }, { name: "query/a.jpg", data: image }]); }, reason: /"query\/a\.jpg" appears twice in the archive/ },
  { name: "a truncated tar.gz", kind: "tar.gz", make: async () => { const whole = await tarArchive(await validDatasetEntries(3), true); return whole.subarray(0, Math.floor(whole.length / 2)); }, reason: /not valid gzip or is truncated|corrupt or truncated/ },
  { name: "random bytes named .zip", kind: "zip", make: async () => Buffer.from("this is not a zip file at all, just some text".repeat(10)), reason: /not a readable \.zip archive/ },
  { name: "a zip with a NUL in a name", kind: "zip", make: async () => zipArchive([{ name: "query/a\u0000.jpg", data: "x" }]), reason: /NUL character/ },
];

describe("hostile archives", () => {
  it("has at least 12 cases", () => expect(hostile.length).toBeGreaterThanOrEqual(12));

  it.each(hostile)("rejects $name", async ({ make, kind, reason, limits }) => {
    const { report, stored, truth } = await validate(await make(), kind, limits);
    expect(report.status).toBe("rejected");
    expect(report.rejection).toMatch(reason);
    expect(truth).toBeNull();
    // Nothing outside the dataset layout is ever kept.
    for (const path of stored) expect(path).toMatch(/^(query|gallery|training)\/[^/]+(\/[^/]+)?$/);
  });
});

describe("problems listed with their file", () => {
  it("lists corrupt, truncated, empty, non-image, case-duplicate and dangling names, and rejects the version", async () => {
    const entries = await validDatasetEntries(3);
    const jpeg = await makeImage(42, "jpeg", 64);
    entries.push(
      { name: "gallery/corrupt.jpg", data: Buffer.from("definitely not a jpeg") },
      { name: "gallery/truncated.jpg", data: jpeg.subarray(0, Math.floor(jpeg.length / 2)) },
      { name: "gallery/empty.jpg", data: "" },
      { name: "query/notes.txt", data: "hello" },
      { name: "gallery/G0.JPG", data: await makeImage(7) },
      { name: "query/nested/q.jpg", data: await makeImage(8) },
    );
    const truthIndex = entries.findIndex((e) => e.name === "ground_truth.json");
    entries[truthIndex] = { name: "ground_truth.json", data: JSON.stringify({ "q0.jpg": ["g0.jpg"], "q1.jpg": ["g1.jpg"], "q2.jpg": ["missing.jpg"], "ghost.jpg": ["g0.jpg"] }) };
    const { report, truth } = await validate(await tarArchive(entries), "tar");
    expect(report.status).toBe("rejected");
    expect(report.rejection).toBeNull();
    expect(truth).toBeNull();
    const byFile = Object.fromEntries(report.problems.map((p) => [p.file, p.problem]));
    expect(byFile["gallery/corrupt.jpg"]).toMatch(/not a readable image/);
    expect(byFile["gallery/truncated.jpg"]).toMatch(/not a readable image/);
    expect(byFile["gallery/empty.jpg"]).toBe("empty file");
    expect(byFile["query/notes.txt"]).toMatch(/not an image file \(expected \.jpg, \.jpeg, \.png, \.webp\)/);
    expect(byFile["gallery/G0.JPG"]).toMatch(/same name as gallery\/g0\.jpg except for letter case/);
    expect(byFile["query/nested/q.jpg"]).toMatch(/query\/ must hold image files directly/);
    const truthProblems = report.problems.filter((p) => p.file === "ground_truth.json").map((p) => p.problem);
    expect(truthProblems).toContain('query "q2.jpg" matches "missing.jpg", which is not in gallery/');
    expect(truthProblems).toContain('names query "ghost.jpg", which is not in query/');
    expect(report.problemCount).toBe(8);
  });

  it("requires a ground truth and both image folders", async () => {
    const { report } = await validate(await tarArchive([{ name: "README.md", data: "nothing here" }]), "tar");
    expect(report.problems.map((p) => p.problem)).toEqual([
      "no query images: the archive needs a query/ folder with images",
      "no gallery images: the archive needs a gallery/ folder with images",
      "neither ground_truth.json nor labels.csv is at the top level",
    ]);
  });
});
