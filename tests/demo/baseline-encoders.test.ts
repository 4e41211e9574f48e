import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { buildBaselineEncoders } from "../../lib/demo/baseline-encoders";
import { randomResults } from "../../lib/demo/random-results";
import { checkModelAgainstManifest, inspectModel, resolveManifest } from "../../lib/models/check-model";
import { inputSize, modelManifestSchema } from "../../lib/models/manifest";

const { onnx } = onnxProto;
const encoders = buildBaselineEncoders();

describe("buildBaselineEncoders", () => {
  it("returns the three baselines, each with a manifest Podium accepts", () => {
    expect(encoders.map((encoder) => encoder.name)).toEqual(["tiny-pixels", "chroma-grid", "colour-histogram-grid"]);
    for (const encoder of encoders) expect(modelManifestSchema.parse(encoder.manifest)).toEqual(encoder.manifest);
  });

  it.each(encoders.map((encoder) => [encoder.name, encoder] as const))("builds %s from standard ONNX operators only (opset 17, IR 8)", (_name, encoder) => {
    const model = onnx.ModelProto.decode(encoder.model);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((opset) => [opset.domain, Number(opset.version)])).toEqual([["", 17]]);
    const nodes = model.graph?.node ?? [];
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((node) => node.domain === "")).toBe(true);
    expect((model.graph?.input ?? []).map((input) => input.name)).toEqual([encoder.manifest.input]);
    expect((model.graph?.output ?? []).map((output) => output.name)).toEqual([encoder.manifest.output]);
  });

  it.each(encoders.map((encoder) => [encoder.name, encoder] as const))("passes the upload checks of %s with the manifest its metadata carries", (_name, encoder) => {
    const summary = inspectModel(encoder.model);
    expect(resolveManifest(summary, null)).toEqual(encoder.manifest);
    expect(() => checkModelAgainstManifest(summary, encoder.manifest)).not.toThrow();
  });

  it.each(encoders.map((encoder) => [encoder.name, encoder] as const))("runs %s in onnxruntime with the declared output shape and finite values", async (_name, encoder) => {
    const session = await ort.InferenceSession.create(encoder.model);
    try {
      expect(session.inputNames).toEqual([encoder.manifest.input]);
      expect(session.outputNames).toEqual([encoder.manifest.output]);
      const [height, width] = inputSize(encoder.manifest);
      const batch = 3;
      // Black, white and a gradient image: the edges of the input range must not produce NaN or Infinity.
      const data = new Float32Array(batch * 3 * height * width);
      data.fill(1, 3 * height * width, 2 * 3 * height * width);
      for (let i = 2 * 3 * height * width; i < data.length; i++) data[i] = (i % width) / width;
      const outputs = await session.run({ [encoder.manifest.input]: new ort.Tensor("float32", data, [batch, 3, height, width]) });
      const embedding = outputs[encoder.manifest.output]!;
      expect(embedding.dims).toEqual([batch, encoder.dimensions]);
      expect(Array.from(embedding.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await session.release();
    }
  });
});

describe("randomResults", () => {
  const queries = ["a.jpg", "b.jpg", "c.jpg"];
  const gallery = Array.from({ length: 30 }, (_, i) => `g${i}.jpg`);

  it("lists k distinct gallery files per query, the same for the same seed", () => {
    const results = randomResults(queries, gallery, "floor");
    expect(Object.keys(results)).toEqual(queries);
    for (const list of Object.values(results)) {
      expect(list).toHaveLength(10);
      expect(new Set(list).size).toBe(10);
      expect(list.every((name) => gallery.includes(name))).toBe(true);
    }
    expect(randomResults(queries, gallery, "floor")).toEqual(results);
    expect(randomResults(queries, gallery, "another floor")).not.toEqual(results);
  });

  it("lists the whole gallery when it is shorter than k", () => {
    expect(randomResults(["a.jpg"], ["g1.jpg", "g2.jpg"], "floor")["a.jpg"]!.sort()).toEqual(["g1.jpg", "g2.jpg"]);
  });
});
