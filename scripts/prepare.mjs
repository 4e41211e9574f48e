// Runs after `npm install` / `npm ci`: generates the Prisma client and bundles the `podium` CLI.
// Prisma's CLI tries to download a native schema engine first; generation does not need it (STACK.md).
import { execFileSync } from "node:child_process";
import { build } from "esbuild";

execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});

await build({
  entryPoints: ["cli/podium.ts"],
  outdir: "dist",
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
console.log("prepared: Prisma client in lib/db/generated, CLI bundle in dist/podium.mjs");
