import yazl from "yazl";

export interface DatasetFile {
  /** Path inside the dataset, in the archive layout (`query/q_0001.jpg`, `ground_truth.json`, …). */
  path: string;
  bytes: Buffer;
}

/** A fixed timestamp, so the same files always make the same archive. */
const ARCHIVE_TIME = new Date(Date.UTC(2025, 0, 1));

/** A .zip of `files`; images are stored (JPEG does not compress further), text is deflated. */
export async function zipDatasetFiles(files: readonly DatasetFile[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(file.bytes, file.path, { mtime: ARCHIVE_TIME, compress: !/\.(jpe?g|png|webp)$/i.test(file.path) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
