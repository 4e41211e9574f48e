import "server-only";
import { AppError } from "@/lib/errors/app-error";

/** The request body, refusing more than `limit` bytes before reading it all into memory. */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw new AppError("BAD_REQUEST", `the body is ${declared} bytes; at most ${limit} are accepted here`);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) throw new AppError("BAD_REQUEST", `the body is larger than the ${limit} bytes accepted here`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Results files up to 64 MiB: a 100,000-query file is about 45 MB. */
export const MAX_RESULTS_FILE_BYTES = 64 * 1024 * 1024;
