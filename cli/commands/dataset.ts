import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
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
import type { CliIO } from "../podium";
import { uploadInParts } from "../multipart-upload";
import { formatSize } from "../progress";
import { describeRescore } from "../../lib/organizers/describe-rescore";

export const usage = `Usage:
  podium dataset upload --competition S PATH [--activate]   PATH: a folder in the dataset layout, or .zip/.tar/.tar.gz
  podium dataset list --competition S
  podium dataset activate --competition S NUMBER [--confirm-rescore]

upload sends the archive straight to storage in parts (retried, and resumed if you run the same command again after
a dropped connection), waits for validation and prints the report. Exit status 1 when the version is rejected.
Once entries are scored, switching the active version needs --confirm-rescore: every entry is then rescored.`;

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

async function upload(client: ApiClient, slug: string, archive: string, io: CliIO): Promise<{ versionId: string; number: number }> {
  const base = `/api/v1/competitions/${encodeURIComponent(slug)}/datasets`;
  const { upload: sent, parts, done } = await uploadInParts(client, {
    path: archive,
    scope: slug,
    partsPath: (id) => `${base}/${id}/parts`,
    io,
    start: async () => {
      const started = await client.request<{ versionId: string; number: number; uploadId: string; partSize: number }>("POST", base, { fileName: basename(archive), size: statSync(archive).size });
      return { id: started.versionId, uploadId: started.uploadId, partSize: started.partSize, extra: { number: started.number } };
    },
    describeResume: (state, partsSent) => `resuming the upload of version ${String(state.extra?.number)} (${partsSent} parts already sent)`,
  });
  await client.request("POST", `${base}/${sent.id}/complete`, { uploadId: sent.uploadId, parts });
  done();
  return { versionId: sent.id, number: Number(sent.extra?.number) };
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
    { competition: { type: "string" }, activate: { type: "boolean" }, "confirm-rescore": { type: "boolean" } },
    z.object({ competition: z.string({ message: "is required" }).min(1), activate: z.boolean().optional(), "confirm-rescore": z.boolean().optional(), positionals: z.array(z.string()) }),
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
        await client.request("POST", `${base}/${version.number}/activate`, { confirmRescore: args["confirm-rescore"] === true });
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
    const activated = await client.request<{ rescore?: { queued: number; modelRuns: number } }>("POST", `${base}/${number}/activate`, { confirmRescore: args["confirm-rescore"] === true });
    io.stdout(`dataset version ${number} of ${args.competition} is now active`);
    if (activated.rescore) io.stdout(describeRescore(activated.rescore));
    return 0;
  }
  io.stderr(usage);
  return 2;
}
