#!/usr/bin/env node
// `npm run deploy -- --site-origin https://podium.example.org [--context key=value …] [cdk deploy options]`:
// builds the web function (scripts/deploy-build.mjs), then deploys the stack with the AWS credentials of the shell.
// Every stack option is a context key (infra/lib/settings.ts); --context passes them through.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const usage = "usage: npm run deploy -- --site-origin https://podium.example.org [--context key=value …] [other cdk deploy options]";
const { values, tokens } = parseArgs({ options: { "site-origin": { type: "string" }, context: { type: "string", multiple: true }, help: { type: "boolean" } }, strict: false, tokens: true });
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const origin = values["site-origin"];
if (typeof origin !== "string" || !/^https:\/\/[^/]+$/.test(origin)) {
  console.error(`--site-origin is required: the site's https origin, no path (browsers upload only from it)\n${usage}`);
  process.exit(2);
}
const known = new Set(["site-origin", "context", "help"]);
const passThrough = tokens.flatMap((token) => (token.kind === "option" && !known.has(token.name) ? [token.rawName, ...(token.value === undefined ? [] : [token.value])] : token.kind === "positional" ? [token.value] : []));
execFileSync(process.execPath, [join(root, "scripts", "deploy-build.mjs")], { stdio: "inherit" });
const context = [`siteOrigin=${origin}`, ...(values.context ?? [])].flatMap((pair) => ["-c", String(pair)]);
execFileSync("npx", ["--no-install", "cdk", "deploy", ...context, ...passThrough], { cwd: join(root, "infra"), stdio: "inherit" });
