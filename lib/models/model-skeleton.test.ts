import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectModel } from "./check-model";
import { readModelSkeleton, ModelFormatError } from "./model-skeleton";
import { attr, buildModel, floatTensor, node, valueInfo } from "./onnx-graph";

const dir = mkdtempSync(join(tmpdir(), "podium-skeleton-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function written(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** An encoder with 16 MB of weights in an initializer and 4 MB in a Constant node's tensor attribute. */
function heavyEncoder(): Uint8Array {
  const weights = new Float32Array(4 * 1024 * 1024).map((_, i) => Math.sin(i));
  return buildModel({
    nodes: [
      node("GlobalAveragePool", ["image"], ["pooled"]),
      node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }),
      node("Constant", [], ["bias"], { value: attr.tensor(floatTensor("bias_value", [1024 * 1024], new Float32Array(1024 * 1024).fill(0.5))) }),
      node("MatMul", ["flat", "lift"], ["lifted"]),
      node("ReduceMean", ["bias"], ["bias_mean"], { keepdims: attr.int(1) }),
      node("Add", ["lifted", "bias_mean"], ["embedding"]),
    ],
    inputs: [valueInfo("image", "float", ["N", 3, 16, 16])],
    outputs: [valueInfo("embedding", "float", ["N", 1398101])],
    initializers: [floatTensor("lift", [3, weights.length / 3], weights.subarray(0, 3 * Math.floor(weights.length / 3)))],
    metadata: { "podium.manifest": JSON.stringify({ size: 16 }) },
  });
}

describe("readModelSkeleton", () => {
  it("keeps everything the checks read and drops the weights", () => {
    const model = heavyEncoder();
    const skeleton = readModelSkeleton(written("heavy.onnx", model));
    expect(model.length).toBeGreaterThan(20 * 1024 * 1024);
    expect(skeleton.length).toBeLessThan(4096);
    expect(inspectModel(skeleton)).toEqual(inspectModel(model));
  });

  it("keeps the marks of external data: which tensor, which file, where in it", () => {
    const model = buildModel({
      nodes: [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }), node("Mul", ["flat", "scale"], ["embedding"])],
      inputs: [valueInfo("image", "float", ["N", 3, 16, 16])],
      outputs: [valueInfo("embedding", "float", ["N", 3])],
      initializers: [{ name: "scale", dims: [3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: "model.onnx.data" }, { key: "offset", value: "0" }, { key: "length", value: "12" }] }],
    });
    const skeleton = readModelSkeleton(written("external.onnx", model));
    expect(inspectModel(skeleton).externalData).toEqual([{ tensor: "scale", location: "model.onnx.data", offset: 0, length: 12 }]);
  });

  it("refuses bytes that are not a protobuf message, naming where", () => {
    expect(() => readModelSkeleton(written("text.onnx", new TextEncoder().encode("this is not a model")))).toThrow(ModelFormatError);
    const truncated = heavyEncoder().subarray(0, 1000);
    expect(() => readModelSkeleton(written("truncated.onnx", truncated))).toThrow(/runs past|ends inside/);
  });
});
