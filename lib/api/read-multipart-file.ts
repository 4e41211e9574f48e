import Busboy from "@fastify/busboy";
import { AppError } from "../errors/app-error";
import { describeBytes } from "./read-body";

/** Room for the multipart framing and a few small fields around the file. */
const FRAMING_BYTES = 64 * 1024;
/** The largest text field read: an entry's description (2,000 characters, up to 4 bytes each) fits. */
const FIELD_BYTES = 16 * 1024;

export interface MultipartFile {
  bytes: Uint8Array;
  fileName: string | null;
  /** The body's text fields (an entry's name and description), before or after the file; the first of a name wins. */
  fields: Record<string, string>;
}

/**
 * The one file of a multipart body, streamed: the parser sees the body chunk by chunk and the file's limit is
 * enforced while it arrives, so a body over the limit is refused (413) after at most `limit` bytes are held —
 * never buffered whole first. Other file fields are discarded unread; at most a few small text fields (16 KiB each)
 * are allowed, and returned as they are (the caller validates the ones it reads).
 */
export async function readMultipartFile(request: Request, options: { field: string; limit: number }): Promise<MultipartFile> {
  const contentType = request.headers.get("content-type") ?? "";
  const bodyLimit = options.limit + FRAMING_BYTES;
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > bodyLimit) throw new AppError("PAYLOAD_TOO_LARGE", `the body is ${describeBytes(declared)}; a file of at most ${describeBytes(options.limit)} is accepted here`);
  if (!request.body) throw new AppError("BAD_REQUEST", `the multipart body is empty; send the file in a field named "${options.field}"`);

  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({ headers: { "content-type": contentType }, limits: { fileSize: options.limit, files: 4, fields: 8, fieldSize: FIELD_BYTES, parts: 12, headerPairs: 20 } });
  } catch (error) {
    throw new AppError("BAD_REQUEST", `the multipart body cannot be read: ${(error as Error).message}`);
  }

  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `the file is larger than the ${describeBytes(options.limit)} accepted here`);
  let failure: AppError | null = null;
  const fail = (error: AppError) => {
    failure ??= error;
  };
  let found: Promise<Omit<MultipartFile, "fields">> | null = null;
  const fields: Record<string, string> = {};
  parser.on("field", (field, value, _fieldTruncated, valueTruncated) => {
    if (valueTruncated) fail(new AppError("BAD_REQUEST", `the multipart field "${field}" is longer than ${describeBytes(FIELD_BYTES)}`));
    else if (!Object.hasOwn(fields, field)) fields[field] = value;
  });
  parser.on("file", (field, stream, fileName) => {
    if (field !== options.field || found) {
      stream.resume();
      return;
    }
    found = new Promise<Omit<MultipartFile, "fields">>((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on("limit", () => fail(tooLarge()));
      stream.on("end", () => resolve({ bytes: Buffer.concat(chunks, size), fileName: fileName || null }));
    });
  });
  parser.on("partsLimit", () => fail(new AppError("BAD_REQUEST", "the multipart body has too many parts; send one file")));
  parser.on("error", (error) => fail(new AppError("BAD_REQUEST", `the multipart body cannot be read: ${(error as Error).message}`)));
  const finished = new Promise<void>((resolve) => {
    parser.on("finish", resolve);
    parser.on("error", () => resolve());
  });

  const reader = request.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      // Past the file's limit plus the framing's room the file cannot fit, whatever the parser has seen so far.
      if (total > bodyLimit) fail(tooLarge());
      if (failure) break;
      // Respect the parser's backpressure: wait for it to drain before reading more of the body.
      if (!parser.write(value)) {
        await new Promise<void>((resolve) => {
          parser.once("drain", resolve);
          parser.once("error", () => resolve());
        });
      }
      if (failure) break;
    }
    if (failure) throw failure;
    parser.end();
    await finished;
    if (failure) throw failure;
  } finally {
    if (failure) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  if (!found) throw new AppError("BAD_REQUEST", `send the file in a multipart field named "${options.field}"`);
  const file = await (found as Promise<Omit<MultipartFile, "fields">>);
  if (failure) throw failure;
  return { ...file, fields };
}
