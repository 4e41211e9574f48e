import { spawnSync } from "node:child_process";
import { request as httpRequest } from "node:http";

// The original course client of the contest Podium comes from (PRODUCT.md), which must keep working unmodified.

/** A POST exactly as the original client sends it: raw JSON, no Content-Type header. */
export function rawPost(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string | undefined; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", headers: { "content-length": Buffer.byteLength(body), ...headers } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, contentType: response.headers["content-type"], text, headers: response.headers }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** The original course client, unmodified in what it sends: `python3 - RESULTS.json GROUPNAME URL`. */
export const ORIGINAL_CLIENT = `
import json, sys, requests
def submit(results, groupname, url):
    res = {"groupname": groupname, "images": results}   # images: {query_file: [10 gallery files]}
    response = requests.post(url, json.dumps(res))      # raw JSON body, no Content-Type header
    try:
        result = json.loads(response.text)
    except ValueError:
        print(f"ERROR: {response.text}")
        return
    print(f"accuracy is {result['accuracy']}")
submit(json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3])
`;

/** A python3 that has the requests module the client needs (npm test installs Debian's python3-requests). */
export function pythonWithRequests(): string {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    if (spawnSync(candidate, ["-c", "import requests"]).status === 0) return candidate;
  }
  throw new Error("no python3 with the requests module: install python3-requests (npm test does)");
}
