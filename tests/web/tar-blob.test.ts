import { Readable } from "node:stream";
import tarStream from "tar-stream";
import { describe, expect, it } from "vitest";
import { tarBlob } from "../../lib/models/tar-blob";

// The browser packs an .onnx and its external data files into one .tar before uploading them (components/model-submit).
// Read back with the same tar reader the worker's unpacking uses underneath, it must give the same files.

async function entriesOf(blob: Blob): Promise<{ name: string; size: number; bytes: Buffer }[]> {
  const extract = tarStream.extract();
  Readable.from(Buffer.from(await blob.arrayBuffer())).pipe(extract);
  const entries: { name: string; size: number; bytes: Buffer }[] = [];
  for await (const entry of extract as unknown as AsyncIterable<Readable & { header: { name: string; size: number } }>) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, size: entry.header.size, bytes: Buffer.concat(chunks) });
  }
  return entries;
}

describe("tarBlob", () => {
  it("packs files under their names, any size, long names split into prefix and name", async () => {
    const model = new Blob([new Uint8Array(1000).fill(7)]);
    const data = new Blob([new Uint8Array(512 * 3).fill(9)]);
    const longName = `${"weights/".repeat(15)}tower.onnx.data`;
    const entries = await entriesOf(tarBlob([{ name: "tower.onnx", blob: model }, { name: "tower.onnx.data", blob: data }, { name: longName, blob: new Blob(["x"]) }]));
    expect(entries.map((entry) => [entry.name, entry.size])).toEqual([
      ["tower.onnx", 1000],
      ["tower.onnx.data", 1536],
      [longName, 1],
    ]);
    expect(entries[0]!.bytes.every((byte) => byte === 7)).toBe(true);
    expect(entries[1]!.bytes.every((byte) => byte === 9)).toBe(true);
  });
});
