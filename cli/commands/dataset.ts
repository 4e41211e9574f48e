import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tarStream from "tar-stream";
import { z } from "zod";
import { archiveKindOf } from "../../lib/datasets/archive-entries";
import type { DatasetReport } from "../../lib/datasets/validate-dataset-archive";
import { AppError } from "../../lib/errors/app-error";
import { ApiClient } from "../api-client";
import { parseCommandArgs } from "../args";
import { configDir } from "../config-file";
import type { CliIO } from "../podium";
import { createProgressBar, formatSize } from "../progress";

export const usage = `Usage:
  podium dataset upload --competition S PATH [--activate]   PATH: a folder in the dataset layout, or .zip/.tar/.tar.gz
  podium dataset list --competition S
  podium dataset activate --competition S NUMBER

upload sends the archive straight to storage in parts (retried, and resumed if you run the same command again after
a dropped connection), waits for validation and prints the report. Exit status 1 when the version is rejected.`;

interface VersionView {
  id: string;
  number: number;
  status: string;
  active: boolean;
  error: string | null;
  counts: { query: number; gallery: number; training: number; evaluated: number };
  report: DatasetReport | null;
}

/** Packs a dataset folder into a temporary .tar.gz (streamed, so big folders need no memory). */
async function packFolder(folder: string): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), "podium-dataset-")), `${basename(resolve(folder))}.tar.gz`);
  const pack = tarStream.pack();
  const writing = pipeline(pack, createGzip(), createWriteStream(out));
  const walk = async (dir: string): Promise<void> => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const size = statSync(path).size;
        const name = relative(folder, path).split(sep).join("/");
        await new Promise<void>((resolveEntry, reject) => {
          const sink = pack.entry({ name, size }, (error) => (error ? reject(error) : resolveEntry()));
          createReadStream(path).pipe(sink as unknown as NodeJS.WritableStream);
        });
      }
    }
  };
  await walk(folder);
  pack.finalize();
  await writing;
  return out;
}

interface UploadState {
  versionId: string;
  number: number;
  uploadId: string;
  partSize: number;
  parts: Record<string, string>;
}

/** Retries transient failures (network, 5xx) with exponential back-off; other errors end at once. */
async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 5 || (error instanceof AppError && error.code !== "UNAVAILABLE" && error.code !== "INTERNAL")) throw error;
      await new Promise((wake) => setTimeout(wake, 500 * 2 ** tries));
    }
  }
}

async function upload(client: ApiClient, slug: string, archive: string, io: CliIO): Promise<{ versionId: string; number: number }> {
  const { size, mtimeMs } = statSync(archive);
  const stateDir = join(configDir(), "uploads");
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const statePath = join(stateDir, `${createHash("sha256").update(`${client.config.server}\n${slug}\n${resolve(archive)}\n${size}\n${mtimeMs}`).digest("hex").slice(0, 24)}.json`);
  const base = `/api/v1/competitions/${encodeURIComponent(slug)}/datasets`;
  let state: UploadState | null = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, "utf8")) as UploadState) : null;
  if (state) {
    // Resume only if the server still has this upload open.
    const probe = await client.request("POST", `${base}/${state.versionId}/parts`, { uploadId: state.uploadId, partNumbers: [1] }).catch(() => null);
    if (probe) io.stderr(`resuming the upload of version ${state.number} (${Object.keys(state.parts).length} parts already sent)`);
    else state = null;
  }
  if (!state) {
    const started = await client.request<{ versionId: string; number: number; uploadId: string; partSize: number }>("POST", base, { fileName: basename(archive), size });
    state = { versionId: started.versionId, number: started.number, uploadId: started.uploadId, partSize: started.partSize, parts: {} };
    writeFileSync(statePath, JSON.stringify(state));
  }
  const current = state;
  const partCount = Math.ceil(size / current.partSize);
  const bar = createProgressBar(`uploading ${basename(archive)}`, size);
  let sent = Object.keys(current.parts).reduce((sum, n) => sum + Math.min(current.partSize, size - (Number(n) - 1) * current.partSize), 0);
  bar.update(sent);
  const pending = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !current.parts[n]);
  const file = await open(archive, "r");
  try {
    const sendPart = async (partNumber: number) => {
      const start = (partNumber - 1) * current.partSize;
      const length = Math.min(current.partSize, size - start);
      const bytes = Buffer.alloc(length);
      await file.read(bytes, 0, length, start);
      const etag = await withRetries(async () => {
        const { parts } = await client.request<{ parts: { url: string }[] }>("POST", `${base}/${current.versionId}/parts`, { uploadId: current.uploadId, partNumbers: [partNumber] });
        const response = await fetch(parts[0]!.url, { method: "PUT", body: new Uint8Array(bytes) }).catch((error: Error) => {
          throw new AppError("UNAVAILABLE", `part ${partNumber}: ${error.message}`);
        });
        if (!response.ok) throw new AppError(response.status >= 500 ? "UNAVAILABLE" : "BAD_REQUEST", `part ${partNumber}: storage answered ${response.status} ${await response.text()}`);
        return response.headers.get("etag") ?? "";
      });
      current.parts[partNumber] = etag;
      writeFileSync(statePath, JSON.stringify(current));
      sent += length;
      bar.update(sent);
    };
    // Two parts in flight keep the connection busy without holding much memory.
    const queue = [...pending];
    await Promise.all([0, 1].map(async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await sendPart(next);
    }));
  } finally {
    await file.close();
    bar.finish();
  }
  const parts = Object.entries(current.parts).map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag }));
  await client.request("POST", `${base}/${current.versionId}/complete`, { uploadId: current.uploadId, parts });
  rmSync(statePath, { force: true });
  return { versionId: current.versionId, number: current.number };
}

export function formatReport(version: VersionView): string {
  const lines = [`dataset version ${version.number}: ${version.status}${version.active ? " (active)" : ""}`];
  const report = version.report;
  if (report) {
    if (report.rejection) lines.push(`  rejected: ${report.rejection}`);
    lines.push(`  query     ${report.counts.query} files (${formatSize(report.bytes.query)})`);
    lines.push(`  gallery   ${report.counts.gallery} files (${formatSize(report.bytes.gallery)})`);
    lines.push(`  training  ${report.counts.training} files in ${report.counts.trainingIdentities} identities (${formatSize(report.bytes.training)})`);
    lines.push(`  evaluated ${report.counts.evaluated} queries; ${report.counts.unmatchedQueries} without a match; truth from ${report.truthFile ?? "—"}`);
    if (report.problemCount > 0) {
      lines.push(`problems (${report.problemCount}):`);
      for (const problem of report.problems) lines.push(`  ${problem.file}: ${problem.problem}`);
    }
    if (report.warningCount > 0) {
      lines.push(`warnings (${report.warningCount}):`);
      for (const warning of report.warnings) lines.push(`  ${warning.file}: ${warning.problem}`);
    }
  } else if (version.error) lines.push(`  ${version.error}`);
  return lines.join("\n");
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const args = parseCommandArgs(
    rest,
    { competition: { type: "string" }, activate: { type: "boolean" } },
    z.object({ competition: z.string({ message: "is required" }).min(1), activate: z.boolean().optional(), positionals: z.array(z.string()) }),
    usage,
  );
  const client = ApiClient.fromConfig();
  const base = `/api/v1/competitions/${encodeURIComponent(args.competition)}/datasets`;
  if (sub === "upload") {
    const path = args.positionals[0];
    if (!path || !existsSync(path)) throw new AppError("BAD_REQUEST", `give a dataset folder or archive that exists${path ? ` (${path} does not)` : ""}`);
    let archive = path;
    let temporary: string | null = null;
    if (statSync(path).isDirectory()) {
      io.stderr(`packing ${path} into a .tar.gz …`);
      archive = temporary = await packFolder(path);
    } else if (!archiveKindOf(path)) throw new AppError("BAD_REQUEST", `${path} is not a folder, .zip, .tar or .tar.gz`);
    try {
      const { versionId } = await upload(client, args.competition, archive, io);
      io.stderr("validating …");
      let version: VersionView;
      const deadline = Date.now() + 60 * 60 * 1000;
      for (;;) {
        version = await client.request<VersionView>("GET", `${base}/${versionId}`);
        if (version.status !== "VALIDATING" && version.status !== "UPLOADING") break;
        if (Date.now() > deadline) throw new AppError("UNAVAILABLE", "validation did not finish within an hour; check `podium dataset list` later");
        await new Promise((wake) => setTimeout(wake, 1000));
      }
      if (version.status === "READY" && args.activate) {
        await client.request("POST", `${base}/${version.number}/activate`);
        version = { ...version, active: true };
      }
      io.stdout(formatReport(version));
      return version.status === "READY" ? 0 : 1;
    } finally {
      if (temporary) rmSync(temporary, { force: true });
    }
  }
  if (sub === "list") {
    const { versions } = await client.request<{ versions: VersionView[] }>("GET", base);
    if (versions.length === 0) io.stdout(`${args.competition} has no dataset versions yet`);
    for (const version of versions) io.stdout(`${String(version.number).padStart(3)}  ${version.status.padEnd(10)} ${version.active ? "active" : "      "}  query ${version.counts.query}, gallery ${version.counts.gallery}, evaluated ${version.counts.evaluated}${version.error ? `  — ${version.error}` : ""}`);
    return 0;
  }
  if (sub === "activate") {
    const number = Number(args.positionals[0]);
    if (!Number.isInteger(number) || number < 1) throw new AppError("BAD_REQUEST", "give the version number to activate (see podium dataset list)");
    await client.request("POST", `${base}/${number}/activate`);
    io.stdout(`dataset version ${number} of ${args.competition} is now active`);
    return 0;
  }
  io.stderr(usage);
  return 2;
}
