import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { startNextServer, type RunningServer } from "../helpers/next-server";
import { runPodium } from "../helpers/run-cli";
import { createPostgresDatabase } from "../helpers/services";

describe("npm start on the embedded defaults", () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "podium-web-"));
    server = await startNextServer({ PODIUM_DATA_DIR: dataDir, DATABASE_URL: "", S3_BUCKET: "" });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves a landing page that says what Podium is", async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Podium runs your retrieval competition");
    expect(html).toContain("600·hit@1 + 300·hit@5 + 100·hit@10");
    expect(html).not.toMatch(/fonts\.googleapis|fonts\.gstatic/);
  });

  it("serves its icon at /favicon.ico (browsers ask for it) and links an SVG icon from every page", async () => {
    const icon = await fetch(new URL("/favicon.ico", server.url));
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/x-icon");
    const bytes = Buffer.from(await icon.arrayBuffer());
    expect(bytes.readUInt16LE(2)).toBe(1); // an icon resource
    expect(bytes.readUInt16LE(4)).toBe(3); // 16, 32 and 48 px
    const html = await (await fetch(server.url)).text();
    expect(html).toMatch(/<link rel="icon" href="\/icon\.svg[^"]*" sizes="any" type="image\/svg\+xml"/);
  });

  it("runs on PGlite and the folder store, migrated at start", async () => {
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health).toEqual({ ok: true, database: "pglite", storage: "folder" });
  });

  it("serves the folder driver's signed URLs through its route, and refuses bad signatures", async () => {
    const secret = readFileSync(join(dataDir, "secret"), "utf8").trim();
    const store = new FolderBlobStore({ root: join(dataDir, "blobs"), baseUrl: server.url, secret });
    const putUrl = await store.presignPut("uploads/hello.txt", { expiresIn: 60 });
    expect((await fetch(putUrl, { method: "PUT", body: "hello from the browser" })).status).toBe(200);
    const getUrl = await store.presignGet("uploads/hello.txt", { expiresIn: 60 });
    const download = await fetch(getUrl);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("hello from the browser");
    const forged = new FolderBlobStore({ root: join(dataDir, "blobs"), baseUrl: server.url, secret: "guess" });
    const denied = await fetch(await forged.presignGet("uploads/hello.txt", { expiresIn: 60 }));
    expect(denied.status).toBe(403);
    expect(await denied.text()).toMatch(/access denied: signature does not match/);
    expect((await fetch(`${server.url}/api/blobs/uploads/hello.txt`)).status).toBe(400);
  });

  it("refuses a CLI command on the same embedded database while the server holds it", () => {
    const run = runPodium(["db", "migrate"], { PODIUM_DATA_DIR: dataDir, DATABASE_URL: "" });
    expect(run.status).toBe(7);
    expect(run.stderr).toMatch(/embedded database .* is in use by process \d+ \(Podium server/);
  });
});

describe("npm start against PostgreSQL", () => {
  it("uses DATABASE_URL when it is set", async () => {
    const created = await createPostgresDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "podium-web-pg-"));
    expect(runPodium(["db", "migrate"], { DATABASE_URL: created.url }).status).toBe(0);
    const server = await startNextServer({ DATABASE_URL: created.url, PODIUM_DATA_DIR: dataDir });
    try {
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health).toMatchObject({ ok: true, database: "postgres" });
    } finally {
      await server.stop();
      await created.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
