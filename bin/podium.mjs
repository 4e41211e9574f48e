#!/usr/bin/env node
// The `podium` command. Runs the bundle that `npm install` builds (scripts/prepare.mjs); when the bundle is
// missing or older than the TypeScript sources, runs the sources through tsx so a checkout never runs stale code.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "podium.mjs");

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(newestSource(join(root, "cli")), newestSource(join(root, "lib")));
if (fresh) {
  const { main } = await import(pathToFileURL(bundle).href);
  await main();
} else {
  const { tsImport } = await import("tsx/esm/api");
  const { main } = await tsImport(pathToFileURL(join(root, "cli", "podium.ts")).href, import.meta.url);
  await main();
}
