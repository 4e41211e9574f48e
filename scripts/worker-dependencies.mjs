#!/usr/bin/env node
// The packages the worker's bundles (dist/: podium-worker, podium, sandbox-child, rank-worker and their chunks)
// import at run time: what the worker image installs, and nothing of the web tier (Next, React, Auth.js …).
//   node scripts/worker-dependencies.mjs                 the package names, one per line
//   node scripts/worker-dependencies.mjs --package-json  package.json with only those dependencies (the image's)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { builtinModules } from "node:module";

const root = process.cwd();
const dist = join(root, "dist");
if (!existsSync(join(dist, "podium-worker.mjs"))) throw new Error("dist/podium-worker.mjs is missing: run node scripts/prepare.mjs first");

/** Bare specifiers imported (statically or dynamically) by the bundles, as package names. */
export function importedPackages(folder = dist) {
  const files = [...readdirSync(folder).filter((name) => name.endsWith(".mjs")).map((name) => join(folder, name)), ...(existsSync(join(folder, "chunks")) ? readdirSync(join(folder, "chunks")).filter((name) => name.endsWith(".mjs")).map((name) => join(folder, "chunks", name)) : [])];
  const names = new Set();
  for (const file of files) {
    for (const match of readFileSync(file, "utf8").matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)"([^"./][^"]*)"/g)) {
      const specifier = match[1];
      if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
      names.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]);
    }
  }
  return [...names].sort();
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const used = importedPackages();
const unknown = used.filter((name) => !pkg.dependencies?.[name]);
if (unknown.length > 0) throw new Error(`the worker's bundles import packages that are not production dependencies: ${unknown.join(", ")}`);
if (process.argv.includes("--package-json")) {
  const dependencies = Object.fromEntries(used.map((name) => [name, pkg.dependencies[name]]));
  process.stdout.write(`${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: pkg.type, engines: pkg.engines, dependencies }, null, 2)}\n`);
} else {
  process.stdout.write(`${used.join("\n")}\n`);
}
