// The "groupname" of a legacy body ({"groupname": …, "images": {…}}), read before the file is scored: the team must be
// known first. The original client puts it first (Python keeps the dict's order), so in that case it is read from the
// first bytes; parsing the whole file here only to throw it away cost more than a millisecond per entry on the hot
// path, and lib/scoring reads the file once more anyway.

export type LegacyGroupname = { ok: true; groupname: string } | { ok: false; message: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const GROUPNAME_KEY = encoder.encode('"groupname"');

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The leading member's string value when the body starts `{"groupname": "…"` and names no second groupname; else null. */
export function leadingGroupname(bytes: Uint8Array): string | null {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (isSpace(bytes[i])) i++;
  if (bytes[i++] !== 0x7b) return null; // {
  while (isSpace(bytes[i])) i++;
  for (let k = 0; k < GROUPNAME_KEY.length; k++) if (bytes[i++] !== GROUPNAME_KEY[k]) return null;
  while (isSpace(bytes[i])) i++;
  if (bytes[i++] !== 0x3a) return null; // :
  while (isSpace(bytes[i])) i++;
  if (bytes[i] !== 0x22) return null; // the value is not a string: the full parse names what it is
  const start = i++;
  while (i < bytes.length && bytes[i] !== 0x22) i += bytes[i] === 0x5c ? 2 : 1;
  if (i >= bytes.length) return null;
  const end = ++i;
  while (isSpace(bytes[i])) i++;
  if (bytes[i] !== 0x2c && bytes[i] !== 0x7d) return null; // , or }
  // A second "groupname" anywhere later (JSON.parse keeps the last one): leave it to the full parse.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(GROUPNAME_KEY, end) !== -1) return null;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes.subarray(start, end)));
    return typeof value === "string" ? value : null;
  } catch {
    return null; // a bad escape or control character: the full parse reports the body
  }
}

/** The body's groupname: from its first bytes when it leads, otherwise by parsing the body. */
export function readLegacyGroupname(bytes: Uint8Array): LegacyGroupname {
  const leading = leadingGroupname(bytes);
  if (leading !== null) return leading.trim() === "" ? missing : { ok: true, groupname: leading };
  let groupname: unknown;
  try {
    groupname = (JSON.parse(new TextDecoder().decode(bytes)) as { groupname?: unknown } | null)?.groupname;
  } catch {
    return { ok: false, message: 'the body is not JSON: send {"groupname": "<team>", "images": {"<query>": ["<gallery>", …]}}' };
  }
  return typeof groupname === "string" && groupname.trim() !== "" ? { ok: true, groupname } : missing;
}

const missing: LegacyGroupname = { ok: false, message: 'the body needs a "groupname": the name of your team' };
