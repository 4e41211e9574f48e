import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import type { Door } from "./plan";

// The doors an entry goes through, each as its users use it: the browser's form (multipart, x-podium-client: web),
// the API with a raw JSON body and an Idempotency-Key (scripts, the Python client), a presigned upload (large
// files), `podium submit` in its own process, and the original client's POST to /retrieval/ with a team token.

export interface Participant {
  /** The member's API token (the rehearsal's accounts each have one). */
  token: string;
  /** The member's `podium` config folder (server and token), for the CLI door. */
  configDir: string;
}

export interface DoorContext {
  server: string;
  slug: string;
  /** How to run `podium`: node and the entry script. */
  podium: { node: string; script: string };
  workDir: string;
}

/** What a door answered; `status` is the HTTP status (for the CLI, the one its exit code stands for). */
export interface DoorAnswer {
  status: number;
  accepted: boolean;
  submissionId: string | null;
  /** The public score the answer showed, when it showed one. */
  shownPublic: number | null;
  /** The refusal's message (its first line), or "". */
  message: string;
}

export interface HttpAnswer {
  status: number;
  text: string;
  json: unknown;
}

/** One request, answered with its status and body; a lost connection is status 0 with the error as text. */
export async function http(server: string, method: string, path: string, options: { token?: string; body?: BodyInit; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(options.token && { authorization: `Bearer ${options.token}` }), ...options.headers };
  try {
    const response = await fetch(new URL(path, server), { method, headers, body: options.body, redirect: "manual" });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: pages, the legacy endpoint's text refusals
    }
    return { status: response.status, text, json };
  } catch (error) {
    return { status: 0, text: `no answer: ${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`, json: null };
  }
}

/** The original client's request: raw JSON body, no Content-Type (node's http, as `requests.post(url, data)` sends it). */
function rawPost(url: URL, body: Uint8Array): Promise<HttpAnswer> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(url, { method: "POST", headers: { "content-length": body.byteLength } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // a text refusal
        }
        resolve({ status: response.statusCode ?? 0, text, json });
      });
    });
    request.on("error", (error) => resolve({ status: 0, text: `no answer: ${error.message}`, json: null }));
    request.end(body);
  });
}

interface SubmissionBody {
  submission?: { id: string; status: string; scores?: Record<string, { score: number }> };
  error?: { message?: string };
}

function fromApi(answer: HttpAnswer): DoorAnswer {
  const body = answer.json as SubmissionBody | null;
  const submission = body?.submission;
  const accepted = answer.status === 201 || answer.status === 202;
  return {
    status: answer.status,
    accepted,
    submissionId: submission?.id ?? null,
    shownPublic: submission?.scores?.public?.score ?? null,
    message: accepted ? "" : firstLine(body?.error?.message ?? answer.text),
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 300);
}

const submissionsPath = (slug: string) => `/api/v1/competitions/${encodeURIComponent(slug)}/submissions`;

/** A results file through `door`, as `member` of team `teamName` (whose team token the legacy door needs). */
export async function submitThroughDoor(context: DoorContext, door: Door, member: Participant, team: { name: string; teamToken: string }, bytes: Uint8Array<ArrayBuffer>, entryName: string): Promise<DoorAnswer> {
  const base = submissionsPath(context.slug);
  if (door === "web") {
    const form = new FormData();
    form.set("name", entryName);
    form.set("file", new Blob([bytes], { type: "application/json" }), "results.json");
    return fromApi(await http(context.server, "POST", base, { token: member.token, body: form, headers: { "x-podium-client": "web" } }));
  }
  if (door === "api") {
    return fromApi(await http(context.server, "POST", base, { token: member.token, body: bytes, headers: { "content-type": "application/json", "idempotency-key": randomUUID() } }));
  }
  if (door === "upload") return submitByUpload(context, member, bytes, entryName);
  if (door === "cli") return submitWithCli(context, member, bytes, entryName);
  const url = new URL(`/c/${encodeURIComponent(context.slug)}/retrieval/?token=${encodeURIComponent(team.teamToken)}`, context.server);
  const answer = await rawPost(url, bytes);
  const accuracy = (answer.json as { accuracy?: unknown } | null)?.accuracy;
  const accepted = answer.status === 200 || answer.status === 202;
  // The original client gets only its accuracy (the public score, two decimals): the entry is found by its hash.
  return { status: answer.status, accepted, submissionId: null, shownPublic: typeof accuracy === "number" ? accuracy : null, message: accepted ? "" : firstLine(answer.text) };
}

/** Start a direct upload, PUT the one part to its presigned URL, complete: the path of files too large to post. */
async function submitByUpload(context: DoorContext, member: Participant, bytes: Uint8Array<ArrayBuffer>, entryName: string): Promise<DoorAnswer> {
  const base = `${submissionsPath(context.slug)}/uploads`;
  const started = await http(context.server, "POST", base, { token: member.token, body: JSON.stringify({ fileName: "results.json", size: bytes.byteLength, name: entryName }), headers: { "content-type": "application/json" } });
  const upload = started.json as { submissionId?: string; uploadId?: string } | null;
  if (started.status !== 200 && started.status !== 201) return fromApi(started);
  const signed = await http(context.server, "POST", `${base}/${upload!.submissionId}/parts`, { token: member.token, body: JSON.stringify({ uploadId: upload!.uploadId, partNumbers: [1] }), headers: { "content-type": "application/json" } });
  const partUrl = (signed.json as { parts?: { url: string }[] } | null)?.parts?.[0]?.url;
  if (!partUrl) return { status: signed.status || 500, accepted: false, submissionId: null, shownPublic: null, message: `signing the part failed: ${firstLine(signed.text)}` };
  let etag = "";
  try {
    const put = await fetch(new URL(partUrl, context.server), { method: "PUT", body: bytes });
    await put.arrayBuffer();
    if (!put.ok) return { status: put.status, accepted: false, submissionId: null, shownPublic: null, message: `storage refused the part: HTTP ${put.status}` };
    etag = put.headers.get("etag") ?? "";
  } catch (error) {
    return { status: 0, accepted: false, submissionId: null, shownPublic: null, message: `storage did not answer: ${(error as Error).message}` };
  }
  const completed = await http(context.server, "POST", `${base}/${upload!.submissionId}/complete`, { token: member.token, body: JSON.stringify({ uploadId: upload!.uploadId, parts: [{ partNumber: 1, etag }] }), headers: { "content-type": "application/json" } });
  return fromApi(completed);
}

/** Exit statuses of `podium` (lib/errors/app-error.ts) as the HTTP statuses they stand for. */
const STATUS_OF_EXIT: Record<number, number> = { 0: 201, 1: 422, 2: 400, 3: 403, 4: 404, 5: 409, 6: 429, 7: 503, 10: 500 };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `podium …` as the member, in its own process. */
export function runPodium(context: DoorContext, member: Pick<Participant, "configDir">, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(context.podium.node, [context.podium.script, ...args], { env: { ...process.env, PODIUM_CONFIG_DIR: member.configDir, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}` }));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function submitWithCli(context: DoorContext, member: Participant, bytes: Uint8Array<ArrayBuffer>, entryName: string): Promise<DoorAnswer> {
  const file = join(context.workDir, `${randomUUID()}.json`);
  writeFileSync(file, bytes);
  const run = await runPodium(context, member, ["submit", "--competition", context.slug, file, "--name", entryName]);
  return fromCliRun(run);
}

/** `podium submit`'s outcome: "submission ID: STATUS" and "  public   SCORE …" on success, "podium: …" or "invalid …" on refusal. */
export function fromCliRun(run: CliRun): DoorAnswer {
  const id = /^submission (\S+): (\w+)/m.exec(run.stdout);
  const publicScore = /^ {2}public\s+(\d+(?:\.\d+)?)/m.exec(run.stdout);
  const status = STATUS_OF_EXIT[run.code] ?? 500;
  const refusal = run.stderr.split("\n").filter((line) => line.startsWith("podium: ") || line.startsWith("invalid "));
  const message = run.code === 1 ? run.stderr.slice(run.stderr.indexOf("invalid ")).split("\n").slice(1).join(" ") : (refusal[0] ?? run.stderr.trim().split("\n").pop() ?? "");
  return { status, accepted: run.code === 0, submissionId: id?.[1] ?? null, shownPublic: publicScore ? Number(publicScore[1]) : null, message: run.code === 0 ? "" : firstLine(message.replace(/^podium: /, "")) };
}
