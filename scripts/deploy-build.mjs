#!/usr/bin/env node
// `npm run deploy:build`: the OpenNext output the CDK app deploys (.open-next/), with the native libraries the web
// function loads at start. OpenNext leaves sharp and @img/* out of the server function (it expects them only in the
// image optimizer), and Next's file tracing keeps onnxruntime's binding but not libonnxruntime.so.1 beside it; the
// function then answered 500 to every request ("Failed to load external module sharp-…"). Both are copied in for
// Lambda's platform (linux x64, glibc) and loaded from the output before this script succeeds.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const output = join(root, ".open-next");
const server = join(output, "server-functions", "default");
const PLATFORM = { os: "linux", cpu: "x64" };

const started = Date.now();
const log = (line) => console.log(`deploy:build: ${line}`);

if (!process.argv.includes("--skip-next")) {
  log("building the Next.js app and its OpenNext output (npx @opennextjs/aws build)");
  execFileSync("npx", ["--no-install", "@opennextjs/aws", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}
if (!existsSync(join(server, "index.mjs"))) throw new Error(`${server}/index.mjs is missing: the OpenNext build did not produce a server function`);

/** Copies node_modules/<name> into the server function (replacing what tracing left there). */
function copyPackage(name, filter) {
  const from = join(root, "node_modules", name);
  if (!existsSync(from)) throw new Error(`node_modules/${name} is missing: run npm ci on ${PLATFORM.os}-${PLATFORM.cpu} before deploy:build`);
  const to = join(server, "node_modules", name);
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, dereference: true, filter: filter ? (source) => filter(source.slice(from.length)) : undefined });
}

// sharp and its prebuilt libvips for Lambda's platform.
copyPackage("sharp");
for (const name of readdirSync(join(root, "node_modules", "@img"))) {
  if (name === "colour" || name.endsWith(`-${PLATFORM.os}-${PLATFORM.cpu}`)) copyPackage(`@img/${name}`);
}
// onnxruntime-node with only Lambda's platform's binaries (the package holds every platform's: 288 MB).
const napiDir = `/bin/napi-v6/`;
copyPackage("onnxruntime-node", (path) => !path.startsWith(napiDir) || `${napiDir}${PLATFORM.os}/${PLATFORM.cpu}`.startsWith(path.replace(/\/$/, "")) || path.startsWith(`${napiDir}${PLATFORM.os}/${PLATFORM.cpu}/`));
copyPackage("onnxruntime-common");

// Load them from the output, as the function will: a missing library fails the build here, not the first request.
const check = `
  const { createRequire } = require("node:module");
  const load = createRequire(${JSON.stringify(join(server, "index.mjs"))});
  const sharp = load("sharp");
  const ort = load("onnxruntime-node");
  console.log("sharp " + sharp.versions.sharp + " (libvips " + sharp.versions.vips + "), onnxruntime " + ort.env.versions.node);
`;
if (process.platform === PLATFORM.os && process.arch === PLATFORM.cpu) {
  const loaded = execFileSync(process.execPath, ["-e", check], { cwd: server, encoding: "utf8" }).trim();
  log(`loads from the server function: ${loaded}`);
} else {
  log(`built on ${process.platform}-${process.arch}: the ${PLATFORM.os}-${PLATFORM.cpu} libraries were copied but not loaded here`);
}
const size = execFileSync("du", ["-sm", server], { encoding: "utf8" }).split("\t")[0];
log(`server function ${size} MB (Lambda's limit for a zip: 250 MB unpacked); ${((Date.now() - started) / 1000).toFixed(0)} s`);
