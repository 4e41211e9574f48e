import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// A deliberately broken Podium for `podium rehearse` to catch: a proxy in front of a real server that forwards
// everything, except that it may answer one original-client entry itself without passing it on (an acknowledged
// entry the server never records), and rewrite one API entry on its way (the server scores other bytes than the
// team sent). Only tests use it.

export interface ProxyFaults {
  /** Answer the first POST to /c/…/retrieval/ with 200 {"accuracy": …} and drop it. */
  dropFirstLegacyEntry?: boolean;
  /** Rewrite the body of the first raw-JSON POST to …/submissions (null: leave it). */
  rewriteFirstApiEntry?: (body: Buffer) => Buffer | null;
}

export interface TamperingProxy {
  url: string;
  /** What the proxy did, in order. */
  faults: string[];
  stop: () => Promise<void>;
}

export async function startTamperingProxy(target: string, faults: ProxyFaults): Promise<TamperingProxy> {
  const done: string[] = [];
  const upstream = new URL(target);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let body: Buffer = Buffer.concat(chunks);
      const path = request.url ?? "/";
      if (request.method === "POST" && /^\/c\/[^/]+\/retrieval\/?(\?|$)/.test(path) && faults.dropFirstLegacyEntry && !done.some((fault) => fault.startsWith("dropped"))) {
        done.push(`dropped a legacy entry of ${body.byteLength} bytes`);
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accuracy: 123.45 }));
        return;
      }
      if (request.method === "POST" && /^\/api\/v1\/competitions\/[^/]+\/submissions$/.test(path) && (request.headers["content-type"] ?? "").startsWith("application/json") && faults.rewriteFirstApiEntry && !done.some((fault) => fault.startsWith("rewrote"))) {
        const rewritten = faults.rewriteFirstApiEntry(body);
        if (rewritten) {
          done.push("rewrote an API entry");
          body = rewritten;
        }
      }
      const headers: IncomingHttpHeaders = { ...request.headers, host: upstream.host, "content-length": String(body.byteLength) };
      delete headers["transfer-encoding"];
      const forwarded = httpRequest(new URL(path, upstream), { method: request.method, headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      forwarded.on("error", (error) => response.writeHead(502).end(`proxy: ${error.message}`));
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults: done,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
