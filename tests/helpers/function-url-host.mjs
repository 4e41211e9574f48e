// Serves HTTP by invoking a built Lambda handler as a Function URL does (payload format 2.0), one request at a time
// like one Lambda instance: `node function-url-host.mjs FUNCTION_DIR PORT`. It stands for the Function URL service,
// not for the function: the handler, its bundle and its node_modules are the deployment's own (.open-next/).
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

const [functionDir, port] = process.argv.slice(2);
process.chdir(functionDir);
const { handler } = await import(pathToFileURL(`${functionDir}/index.mjs`).href);
let queue = Promise.resolve();

createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    queue = queue.then(async () => {
      const url = new URL(request.url, "http://function.url");
      const headers = {};
      for (const [name, value] of Object.entries(request.headers)) if (name !== "cookie") headers[name] = Array.isArray(value) ? value.join(",") : value;
      const body = Buffer.concat(chunks);
      // The Function URL's own limit on a request's payload (base64 included), before the function runs.
      if (Math.ceil(body.length / 3) * 4 > 6 * 1024 * 1024) {
        response.writeHead(413, { "content-type": "application/json" });
        response.end(JSON.stringify({ Message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation" }));
        return;
      }
      const event = {
        version: "2.0",
        routeKey: "$default",
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        cookies: request.headers.cookie ? request.headers.cookie.split(/;\s*/) : undefined,
        headers,
        requestContext: {
          accountId: "anonymous",
          apiId: "podium",
          domainName: request.headers.host,
          domainPrefix: "podium",
          http: { method: request.method, path: url.pathname, protocol: "HTTP/1.1", sourceIp: request.socket.remoteAddress, userAgent: request.headers["user-agent"] ?? "" },
          requestId: `r-${Date.now()}`,
          routeKey: "$default",
          stage: "$default",
          time: new Date().toISOString(),
          timeEpoch: Date.now(),
        },
        body: body.length > 0 ? body.toString("base64") : undefined,
        isBase64Encoded: body.length > 0,
      };
      try {
        const result = await handler(event, { awsRequestId: event.requestContext.requestId, getRemainingTimeInMillis: () => 60_000, callbackWaitsForEmptyEventLoop: false });
        const outHeaders = { ...result.headers };
        if (result.cookies?.length) outHeaders["set-cookie"] = result.cookies;
        response.writeHead(result.statusCode ?? 200, outHeaders);
        response.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"));
      } catch (error) {
        // What the Function URL answers when the function throws.
        console.error(`function error: ${error?.stack ?? error}`);
        response.writeHead(502, { "content-type": "application/json" });
        response.end(JSON.stringify({ Message: "Internal Server Error" }));
      }
    });
  });
}).listen(Number(port), "127.0.0.1", () => console.log(`function url on ${port}`));
