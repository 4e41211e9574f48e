import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkModelAgainstManifest, inspectModel, ModelCheckError, resolveManifest } from "../../lib/models/check-model";
import { ModelFault } from "../../lib/models/embed-images";
import { runInSandbox } from "../../lib/models/model-sandbox";
import { checkExternalData } from "../../lib/models/model-files";
import type { DryRunResult } from "../../lib/models/sandbox-protocol";
import { buildModel, node, valueInfo } from "../../lib/models/onnx-graph";
import { customOperatorEncoder, endlessLoopEncoder, meanColourEncoder, meanColourManifest, memoryHogEncoder, nanEncoder, nanOnBrightEncoder } from "../helpers/onnx-encoders";

// The static checks and the dry run, on real ONNX graphs built here and real onnxruntime sessions in the sandbox.

const scratch = mkdtempSync(join(tmpdir(), "podium-check-model-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function staticCheck(bytes: Uint8Array, manifest: Record<string, unknown> | null = meanColourManifest as Record<string, unknown>) {
  const summary = inspectModel(bytes);
  const resolved = resolveManifest(summary, manifest);
  checkModelAgainstManifest(summary, resolved);
  return { summary, manifest: resolved };
}

function expectCheckError(run: () => unknown, code: string, message: RegExp) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelCheckError);
    expect((error as ModelCheckError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error(`expected ${code}`);
}

async function dryRun(bytes: Uint8Array, limits = { timeoutMs: 20_000, memoryLimitBytes: 1024 * 1024 * 1024 }) {
  const { manifest } = staticCheck(bytes);
  const path = join(scratch, `${Math.random().toString(36).slice(2)}.onnx`);
  writeFileSync(path, bytes);
  return runInSandbox<DryRunResult>({ kind: "dry-run", modelPath: path, manifest }, limits).result;
}

describe("static checks of an uploaded model", () => {
  it("accepts a valid encoder and summarizes it", () => {
    const { summary } = staticCheck(meanColourEncoder());
    expect(summary.opset).toBe(17);
    expect(summary.operators).toEqual({ GlobalAveragePool: 1, Flatten: 1 });
    expect(summary.inputs).toEqual([{ name: "image", elementType: "float32", dims: ["N", 3, 16, 16] }]);
  });

  it("rejects a truncated file and a file that is not ONNX at all", () => {
    const bytes = meanColourEncoder();
    expectCheckError(() => staticCheck(bytes.subarray(0, Math.floor(bytes.length * 0.6))), "NOT_ONNX", /not an ONNX model/);
    expectCheckError(() => staticCheck(new TextEncoder().encode('{"q1.jpg": ["g1.jpg"]}')), "NOT_ONNX", /not an ONNX model/);
    expectCheckError(() => staticCheck(new Uint8Array(0)), "NOT_ONNX", /not an ONNX model/);
  });

  it("rejects an operator of a custom domain, naming it", () => {
    expectCheckError(() => staticCheck(customOperatorEncoder()), "CUSTOM_OPERATOR", /operator FancyEmbed of the custom domain "com\.example\.custom"/);
  });

  it("rejects opsets outside the supported range", () => {
    expectCheckError(() => staticCheck(meanColourEncoder({ opset: 5 })), "OPSET", /opset 5 is outside the supported range 7–23/);
    expectCheckError(() => staticCheck(meanColourEncoder({ opset: 99 })), "OPSET", /opset 99/);
  });

  it("accepts external data only inside the upload, within the files it names", () => {
    const bytes = buildModel({
      nodes: [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["flat"]), node("Mul", ["flat", "w"], ["embedding"])],
      inputs: [valueInfo("image", "float", ["N", 3, 16, 16])],
      outputs: [valueInfo("embedding", "float", ["N", 3])],
      initializers: [{ name: "w", dims: [3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: "../../etc/weights.bin" }] }],
    });
    const references = staticCheck(bytes).summary.externalData;
    expect(references).toEqual([{ tensor: "w", location: "../../etc/weights.bin", offset: 0, length: null }]);
    // Sent as one .onnx: told how to send its data; inside an archive: a location outside the upload is refused.
    expectCheckError(() => checkExternalData(references, new Map([["model.onnx", bytes.length]]), "onnx"), "EXTERNAL_DATA", /keeps tensor data in external files \(\.\.\/\.\.\/etc\/weights\.bin\): send the \.onnx together with them/);
    expectCheckError(() => checkExternalData(references, new Map([["model.onnx", bytes.length]]), "tar"), "EXTERNAL_DATA", /tensor "w" refers to "\.\.\/\.\.\/etc\/weights\.bin": only plain relative locations inside the upload are allowed/);
    const inside = [{ tensor: "w", location: "weights.bin", offset: 8, length: 12 }];
    expectCheckError(() => checkExternalData(inside, new Map([["weights.bin", 16]]), "zip"), "EXTERNAL_DATA", /tensor "w" refers to "weights\.bin" at bytes 8–20, beyond the file's 16 bytes/);
    expectCheckError(() => checkExternalData(inside, new Map([["model.onnx", 10]]), "zip"), "EXTERNAL_DATA", /which is not in the upload \(it holds model\.onnx\)/);
    expect(() => checkExternalData(inside, new Map([["weights.bin", 20]]), "zip")).not.toThrow();
  });

  it("rejects a manifest whose input or output the model does not have, or whose shape disagrees", () => {
    expectCheckError(() => staticCheck(meanColourEncoder(), { ...meanColourManifest, input: "pixels" }), "INPUT", /input "pixels" is not an input of the model \(its inputs: "image"\)/);
    expectCheckError(() => staticCheck(meanColourEncoder(), { ...meanColourManifest, output: "features" }), "OUTPUT", /output "features" is not an output of the model/);
    expectCheckError(() => staticCheck(meanColourEncoder(), { ...meanColourManifest, size: 224 }), "INPUT", /shape \[N, 3, 16, 16\] but the manifest declares NCHW \[N, 3, 224, 224\]/);
    expectCheckError(() => staticCheck(meanColourEncoder(), { ...meanColourManifest, layout: "NHWC" }), "INPUT", /NHWC/);
  });

  it("rejects an invalid manifest field by field, and reads one from metadata_props", () => {
    expectCheckError(() => staticCheck(meanColourEncoder(), { ...meanColourManifest, similarity: "euclid", std: [1, 0, 1] }), "MANIFEST", /std: std values must be non-zero; similarity: /);
    expectCheckError(() => staticCheck(meanColourEncoder(), null), "MANIFEST", /input: .*output: /s);
    const embedded = meanColourEncoder({ metadata: { "podium.manifest": JSON.stringify(meanColourManifest) } });
    expect(staticCheck(embedded, null).manifest).toMatchObject({ input: "image", output: "embedding", size: 16, resize: "squash" });
    // Fields given with the upload win over the model's own.
    expect(staticCheck(embedded, { batchSize: 2 }).manifest.batchSize).toBe(2);
  });
});

describe("the dry run in the sandbox", () => {
  it("runs a valid encoder on two generated images and reports its dimension", async () => {
    expect((await dryRun(meanColourEncoder())).dimension).toBe(3);
  });

  it("ends a model that outputs NaN with that reason", async () => {
    await expect(dryRun(nanEncoder())).rejects.toThrow(/NaN or infinite values in "embedding"/);
  });

  it("passes a model that is NaN only on bright images (the worker must catch it later)", async () => {
    expect((await dryRun(nanOnBrightEncoder())).dimension).toBe(3);
  });

  it("kills an endless Loop at the time limit", async () => {
    const started = Date.now();
    const failure = await dryRun(endlessLoopEncoder(), { timeoutMs: 3000, memoryLimitBytes: 1024 ** 3 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelFault);
    expect((failure as Error).message).toBe("the model did not finish within the time limit of 3 s");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("kills a model beyond the memory cap", async () => {
    const failure = await dryRun(memoryHogEncoder(), { timeoutMs: 60_000, memoryLimitBytes: 300 * 1024 * 1024 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelFault);
    expect((failure as Error).message).toMatch(/more than the memory limit of 300 MiB \(\d+ MiB resident\)/);
  });
});
