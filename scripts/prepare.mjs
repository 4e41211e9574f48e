// Runs after `npm install` / `npm ci`: generates the Prisma client and bundles the `podium` CLI.
// Prisma's CLI tries to download a native schema engine first; generation does not need it (STACK.md).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { build } from "esbuild";

execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const BUNDLED = ["zod"];

await build({
  entryPoints: { podium: "cli/podium.ts", "rank-worker": "lib/scoring/rank-worker.ts", "sandbox-child": "lib/models/sandbox-child.ts", "podium-worker": "gpu-worker/main.ts" },
  outdir: "dist",
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Dependencies stay external (native and WASM code among them), except small pure ones that every command
  // loads: bundled, they cost one file read instead of dozens of module resolutions at start-up.
  external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.includes(name)),
  sourcemap: "linked",
  logLevel: "warning",
});
// The scheduled queue pass (a Lambda function on AWS): one self-contained file, pg and lib/ inside; only the AWS
// SDK, which the Lambda Node.js runtime provides, stays outside. pg is CommonJS: `require` for its Node built-ins.
// The worker image copies no infra/ sources and needs no such bundle.
const FUNCTIONS = ["queue-pass", "worker-endpoints"].filter((name) => existsSync(`infra/functions/${name}/handler.ts`));
for (const name of FUNCTIONS) await build({
  entryPoints: { index: `infra/functions/${name}/handler.ts` },
  outdir: `dist/functions/${name}`,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  external: ["@aws-sdk/*", "pg-native"],
  banner: { js: 'import { createRequire as __podiumCreateRequire } from "node:module"; const require = __podiumCreateRequire(import.meta.url);' },
  sourcemap: "linked",
  logLevel: "warning",
});
console.log(`prepared: Prisma client in lib/db/generated, CLI bundle in dist/podium.mjs${FUNCTIONS.map((name) => `, ${name} in dist/functions/${name}`).join("")}`);
