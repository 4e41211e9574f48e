import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localWakeUp } from "../../lib/queue/wake-up";
import { submitModelBytes, type ModelCheckSettings } from "../../lib/submissions/submit-model";
import type { ModelManifestInput } from "../../lib/models/manifest";
import { attr, buildModel, node, valueInfo } from "../../lib/models/onnx-graph";
import { ENCODER_SIZE, expectedScore, exportedFormEncoder, meanColourManifest, type ExportedForm } from "../helpers/onnx-encoders";
import { modelContest, type ModelContest } from "../helpers/model-contest";

// The models teams really export, each built with onnx-proto in the structure of a real export (small weights): a
// fixed batch of 1 or 16, float16 input and output, uint8 NHWC pixels with the preprocessing in the graph, an
// [N, 1, D] output. On the main this work started from each was refused ("the worker feeds float32", "Got: 2
// Expected: 1" cut from the message, "embeddings must be [N, D]"); each must now score exactly like the float32
// mean-colour encoder it is built from. 8 queries and 30 gallery images: a batch of 16 runs padded twice.

const RANKS = [1, 1, 1, 2, 3, 6, 10, 15];

describe("models as teams export them", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  const checks: ModelCheckSettings = { dryRun: { timeoutMs: 20_000, memoryLimitBytes: 1024 ** 3 }, wakeUp: localWakeUp() };
  let world: ModelContest;

  beforeAll(async () => {
    world = await modelContest(disposers, { slug: "exports", ranks: RANKS, submissionKinds: "results,model" });
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const submit = (fileName: string, bytes: Uint8Array, manifest: ModelManifestInput) => submitModelBytes(world.database, world.store, world.team, "exports", { bytes, fileName, manifest, channel: "API" }, checks);

  it.each([
    ["fixed-batch-1", { inputType: "float32", outputType: "float32", fixedBatch: 1 }],
    ["fixed-batch-16", { inputType: "float32", outputType: "float32", fixedBatch: 16 }],
    ["float16", { inputType: "float16", outputType: "float16", fixedBatch: null }],
    ["uint8-nhwc", { inputType: "uint8", outputType: "float32", fixedBatch: null }],
    ["n-1-d", { inputType: "float32", outputType: "float32", fixedBatch: null }],
  ] as const)("checks and scores a %s export exactly", async (form, io) => {
    const { model, manifest } = exportedFormEncoder(form as ExportedForm);
    const outcome = await submit(`${form}.onnx`, model, manifest);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ kind: "queued", dimension: 3 });
    const queued = await world.database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId } });
    // What the model's signature says is stored with the entry: the worker feeds and reads it that way.
    expect(queued.manifest).toMatchObject(io);
    expect(await world.runScoringJob()).toBe(true);
    const scored = await world.database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId }, include: { scores: true } });
    expect(scored.status, scored.error ?? "").toBe("SCORED");
    expect(scored.scores.find((score) => score.split === "ALL")!.score).toBeCloseTo(expectedScore(RANKS), 9);
  });

  it("refuses what still cannot be fed or read, naming the model's own shapes and types", async () => {
    const refuse = async (model: Uint8Array, manifest = meanColourManifest) => {
      const outcome = await submit("refused.onnx", model, manifest);
      expect(outcome.kind).toBe("invalid");
      return (outcome as { message: string }).message;
    };
    const pooled = [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) })];
    const int64Input = buildModel({
      nodes: [node("Cast", ["image"], ["image32"], { to: attr.int(1) }), node("GlobalAveragePool", ["image32"], ["pooled"]), node("Flatten", ["pooled"], ["embedding"], { axis: attr.int(1) })],
      inputs: [valueInfo("image", "int64", ["N", 3, ENCODER_SIZE, ENCODER_SIZE])],
      outputs: [valueInfo("embedding", "float", ["N", 3])],
    });
    expect(await refuse(int64Input)).toBe('input "image" has element type int64; the worker feeds float32, float16 or uint8 (pixels 0–255)');
    const twoAxes = buildModel({
      nodes: [...pooled, node("Concat", ["flat", "flat"], ["wide"], { axis: attr.int(1) }), node("Reshape", ["wide", "shape"], ["embedding"])],
      inputs: [valueInfo("image", "float", ["N", 3, ENCODER_SIZE, ENCODER_SIZE])],
      outputs: [valueInfo("embedding", "float", ["N", 2, 3])],
      initializers: [{ name: "shape", dims: [3], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([0n, 2n, 3n]).buffer) }],
    });
    expect(await refuse(twoAxes)).toBe('output "embedding" has shape [N, 2, 3]; embeddings must be [N, D] (axes of size 1, as in [N, 1, D], are squeezed)');
  });
});
