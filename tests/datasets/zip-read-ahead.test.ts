import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readArchiveEntries, readEntryBytes, ZIP_READ_AHEAD_BYTES, type ArchiveSource } from "../../lib/datasets/archive-entries";
import { bufferSource, zipArchive } from "../helpers/archives";

// A zip is read through ranged reads; on S3 each is a request. Small entries come from a read-ahead block, so a
// 2,000-file zip costs a handful of requests instead of two per file (issue 17's rehearsal found validation of a
// 3,000-image zip taking minutes on Ceph RGW), with the same bytes for every entry.
function countingSource(bytes: Buffer): { source: ArchiveSource; reads: () => number } {
  const inner = bufferSource(bytes);
  let reads = 0;
  return { source: { size: inner.size, stream: (range) => ((reads += 1), inner.stream(range)) }, reads: () => reads };
}

async function readAll(source: ArchiveSource): Promise<Map<string, Buffer>> {
  const read = new Map<string, Buffer>();
  for await (const entry of readArchiveEntries(source, "zip")) {
    if (entry.type === "file") read.set(entry.path, await readEntryBytes(await entry.open(), 64 * 1024 * 1024, entry.path));
  }
  return read;
}

describe("zip read-ahead", () => {
  it("reads 2,000 small entries in a few ranged reads, byte for byte", async () => {
    const entries = Array.from({ length: 2000 }, (_, i) => ({ name: `gallery/g_${i}.jpg`, data: randomBytes(200 + (i % 50)), deflate: i % 2 === 0 }));
    const { source, reads } = countingSource(zipArchive(entries));
    const read = await readAll(source);
    expect(read.size).toBe(2000);
    for (const entry of entries) expect(read.get(entry.name)!.equals(entry.data as Buffer)).toBe(true);
    expect(reads()).toBeLessThanOrEqual(4);
  });

  it("streams an entry larger than half a block straight through, and still reads the small ones around it", async () => {
    const large = randomBytes(ZIP_READ_AHEAD_BYTES / 2 + 1024);
    const entries = [{ name: "a.txt", data: Buffer.from("first") }, { name: "big.bin", data: large }, { name: "z.txt", data: Buffer.from("last") }];
    const read = await readAll(bufferSource(zipArchive(entries)));
    expect(read.get("a.txt")!.toString()).toBe("first");
    expect(read.get("big.bin")!.equals(large)).toBe(true);
    expect(read.get("z.txt")!.toString()).toBe("last");
  });
});

describe("zip read-ahead against a hostile archive", () => {
  it("reads at most a few times the archive's size when the directory sends every read far from the last", async () => {
    // 400 entries of 25 KB (names of one length, so directory records are one size); the central directory lists
    // them first, last, second, second-to-last … so every header is far from the block read for the one before.
    const count = 400;
    const entries = Array.from({ length: count }, (_, i) => ({ name: `gallery/g_${String(i).padStart(4, "0")}.bin`, data: randomBytes(25_000), deflate: false }));
    const zip = zipArchive(entries);
    const recordSize = 46 + entries[0]!.name.length;
    const directoryStart = zip.length - 22 - count * recordSize;
    const records = Array.from({ length: count }, (_, i) => zip.subarray(directoryStart + i * recordSize, directoryStart + (i + 1) * recordSize));
    const scattered = Array.from({ length: count }, (_, i) => records[i % 2 === 0 ? i / 2 : count - 1 - (i - 1) / 2]!);
    const hostile = Buffer.concat([zip.subarray(0, directoryStart), ...scattered, zip.subarray(zip.length - 22)]);
    const inner = bufferSource(hostile);
    let bytesRead = 0;
    const source: ArchiveSource = { size: inner.size, stream: (range) => ((bytesRead += range ? range.end - range.start + 1 : inner.size), inner.stream(range)) };
    const read = await readAll(source);
    expect(read.size).toBe(count);
    for (const entry of entries) expect(read.get(entry.name)!.equals(entry.data as Buffer)).toBe(true);
    // Unbounded read-ahead fetched a block of up to 8 MiB for each of the 400 headers: about 1.6 GB for a 10 MB zip.
    expect(bytesRead).toBeLessThanOrEqual(3 * hostile.length + ZIP_READ_AHEAD_BYTES);
  });
});
