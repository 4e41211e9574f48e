import { describe, expect, it } from "vitest";
import { isAppError } from "../errors/app-error";
import { readMultipartFile } from "./read-multipart-file";

const BOUNDARY = "----podium-test-boundary";
const encoder = new TextEncoder();

/** A multipart body produced lazily, one 64 KiB chunk per pull, counting what the reader actually pulled. */
function streamedMultipart(parts: { field: string; fileName?: string; size: number; fill?: number }[]) {
  const pieces: (Uint8Array | { size: number; fill: number })[] = [];
  for (const part of parts) {
    const disposition = part.fileName ? `form-data; name="${part.field}"; filename="${part.fileName}"` : `form-data; name="${part.field}"`;
    pieces.push(encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\nContent-Type: application/octet-stream\r\n\r\n`));
    pieces.push({ size: part.size, fill: part.fill ?? 0x61 });
    pieces.push(encoder.encode("\r\n"));
  }
  pieces.push(encoder.encode(`--${BOUNDARY}--\r\n`));
  let index = 0;
  let offset = 0;
  const counter = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[index];
      if (!piece) return controller.close();
      if (piece instanceof Uint8Array) {
        index++;
        counter.pulled += piece.length;
        return controller.enqueue(piece);
      }
      const size = Math.min(64 * 1024, piece.size - offset);
      offset += size;
      if (offset >= piece.size) {
        index++;
        offset = 0;
      }
      counter.pulled += size;
      controller.enqueue(new Uint8Array(size).fill(piece.fill));
    },
  });
  const request = new Request("http://podium.test/upload", { method: "POST", body, headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, duplex: "half" } as RequestInit);
  return { request, counter };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isAppError(error)).toBe(true);
  return error as { code: string; message: string; status: number };
}

describe("readMultipartFile", () => {
  it("returns the named file and its name, skipping other file fields unread", async () => {
    const { request } = streamedMultipart([
      { field: "other", fileName: "other.bin", size: 300_000, fill: 0x62 },
      { field: "file", fileName: "ranks.json", size: 200_000 },
    ]);
    const file = await readMultipartFile(request, { field: "file", limit: 1024 * 1024 });
    expect(file.fileName).toBe("ranks.json");
    expect(file.bytes.length).toBe(200_000);
    expect(file.bytes.every((byte) => byte === 0x61)).toBe(true);
  });

  it("refuses a file over the limit while it streams, without reading the rest of the body", async () => {
    // No Content-Length: only the streaming parser can see the file is too large.
    const { request, counter } = streamedMultipart([{ field: "file", fileName: "huge.json", size: 512 * 1024 * 1024 }]);
    const error = await refusal(readMultipartFile(request, { field: "file", limit: 4 * 1024 * 1024 }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.status).toBe(413);
    expect(error.message).toBe("the file is larger than the 4 MiB accepted here");
    // Read up to the limit plus a few chunks, not the 512 MiB behind it.
    expect(counter.pulled).toBeLessThan(5 * 1024 * 1024);
  });

  it("refuses from the declared Content-Length before reading anything", async () => {
    const request = new Request("http://podium.test/upload", { method: "POST", body: "x", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": String(900 * 1024 * 1024) } });
    const error = await refusal(readMultipartFile(request, { field: "file", limit: 64 * 1024 * 1024 }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toBe("the body is 900 MiB; a file of at most 64 MiB is accepted here");
  });

  it("returns the text fields around the file (an entry's name and description, UTF-8), and refuses one too long to hold", async () => {
    const form = new FormData();
    form.set("name", "Méthode 🏆");
    form.set("file", new Blob(['{"q0.jpg": []}'], { type: "application/json" }), "ranks.json");
    form.set("description", "line one\r\nline two");
    const file = await readMultipartFile(new Request("http://podium.test/upload", { method: "POST", body: form }), { field: "file", limit: 1024 });
    expect(file.fileName).toBe("ranks.json");
    expect(file.fields).toEqual({ name: "Méthode 🏆", description: "line one\r\nline two" });

    const long = new FormData();
    long.set("description", "d".repeat(17 * 1024));
    long.set("file", new Blob(["{}"]), "r.json");
    const error = await refusal(readMultipartFile(new Request("http://podium.test/upload", { method: "POST", body: long }), { field: "file", limit: 1024 }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe('the multipart field "description" is longer than 16384 bytes');
  });

  it("names the missing field, a form of many parts, and a body that is not multipart", async () => {
    const missing = await refusal(readMultipartFile(streamedMultipart([{ field: "results", fileName: "r.json", size: 10 }]).request, { field: "file", limit: 1024 }));
    expect(missing.message).toBe('send the file in a multipart field named "file"');
    const many = await refusal(readMultipartFile(streamedMultipart(Array.from({ length: 40 }, (_, i) => ({ field: `f${i}`, size: 4 }))).request, { field: "file", limit: 1024 }));
    expect(many.message).toBe("the multipart body has too many parts; send one file");
    const notMultipart = new Request("http://podium.test/upload", { method: "POST", body: "{}", headers: { "content-type": "multipart/form-data" } });
    const broken = await refusal(readMultipartFile(notMultipart, { field: "file", limit: 1024 }));
    expect(broken.code).toBe("BAD_REQUEST");
    expect(broken.message).toMatch(/^the multipart body cannot be read: /);
  });
});
