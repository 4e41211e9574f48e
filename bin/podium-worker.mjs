#!/usr/bin/env node
// The `podium-worker` command (gpu-worker/main.ts): the bundle `npm install` builds, or the sources through tsx.
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "podium-worker.mjs");
const source = join(root, "gpu-worker", "main.ts");
const { main } = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(source).mtimeMs
  ? await import(pathToFileURL(bundle).href)
  : await (await import("tsx/esm/api")).tsImport(pathToFileURL(source).href, import.meta.url);
process.exitCode = await main();
