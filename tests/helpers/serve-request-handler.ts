import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { handleFolderBlobRequest } from "../../lib/storage/folder-blob-route";
import { FolderBlobStore } from "../../lib/storage/folder-blob-store";

/** Serves a fetch-style handler (Request → Response) on a free loopback port, as a Next route handler would be. */
export async function serveRequestHandler(handler: (request: Request) => Promise<Response>): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    try {
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
        duplex: "half",
      } as RequestInit);
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A folder blob store in a temporary folder, its signed URLs served by the real route handler on loopback. */
export async function servedFolderStore(
  secret = "test-secret",
  root = mkdtempSync(join(tmpdir(), "podium-blobs-")),
  options: { keepFiles?: boolean } = {},
): Promise<{ store: FolderBlobStore; dispose: () => Promise<void> }> {
  const holder: { store?: FolderBlobStore } = {};
  const server = await serveRequestHandler((request) => handleFolderBlobRequest(request, holder.store!, secret));
  const store = (holder.store = new FolderBlobStore({ root, baseUrl: server.url, secret }));
  return {
    store,
    async dispose() {
      await server.close();
      if (!options.keepFiles) rmSync(root, { recursive: true, force: true });
    },
  };
}
