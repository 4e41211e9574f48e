// A .tar of an .onnx and its external data files as one Blob whose parts are the files themselves: nothing is read
// into memory. The browser uploads it in slices like any file; the CLI writes it out once (files from fs.openAsBlob).

const BLOCK = 512;
const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** A ustar header; names over 100 bytes are split into prefix and name at a "/". */
function header(name: string, size: number, mtime: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (text: string, offset: number, length: number) => {
    const bytes = encoder.encode(text);
    if (bytes.length > length) throw new Error(`"${text}" is too long for a tar header`);
    block.set(bytes, offset);
  };
  let prefix = "";
  let base = name;
  if (encoder.encode(name).length > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0) throw new Error(`the file name "${name}" is too long`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  put(base, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime / 1000), 12), 136, 12);
  put("        ", 148, 8); // the checksum counts its own field as spaces
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  put(prefix, 345, 155);
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return block;
}

/** The files as one ustar archive (each under its own name, in the order given). */
export function tarBlob(files: { name: string; blob: Blob; lastModified?: number }[]): Blob {
  const parts: BlobPart[] = [];
  for (const file of files) {
    parts.push(header(file.name, file.blob.size, file.lastModified ?? Date.now()) as Uint8Array<ArrayBuffer>, file.blob);
    const padding = (BLOCK - (file.blob.size % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(new Uint8Array(padding));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return new Blob(parts, { type: "application/x-tar" });
}
