import { AppError } from "../errors/app-error";

export const describeBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`);

/** The request body, refusing (413) more than `limit` bytes: from Content-Length before reading, else while reading. */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw new AppError("PAYLOAD_TOO_LARGE", `the body is ${describeBytes(declared)}; at most ${describeBytes(limit)} is accepted here`);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) throw new AppError("PAYLOAD_TOO_LARGE", `the body is larger than the ${describeBytes(limit)} accepted here`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** JSON bodies of the API (settings, names, part lists): 1 MiB is far more than any of them needs. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Results files up to 64 MiB: a 100,000-query file is about 45 MB. */
export const MAX_RESULTS_FILE_BYTES = 64 * 1024 * 1024;
