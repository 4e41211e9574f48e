import * as ort from "onnxruntime-node";
import { buildModel, node, valueInfo, floatTensor, int64Tensor, attr } from "../lib/models/onnx-graph";
import { pixelsToTensor } from "../lib/models/preprocess-image";
const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
const model = buildModel({ name: "pre", opset: 17, nodes: [
  node("Cast", ["pixels"], ["f"], { to: attr.int(1) }),
  node("Mul", ["f", "scale"], ["m"]), node("Add", ["m", "shift"], ["a"]),
  node("Transpose", ["a"], ["out"], { perm: attr.ints([0, 3, 1, 2]) }) ],
  inputs: [valueInfo("pixels", "uint8", ["n", 224, 224, 3])], outputs: [valueInfo("out", "float", ["n", 3, 224, 224])],
  initializers: [floatTensor("scale", [3], std.map((s) => 1 / 255 / s)), floatTensor("shift", [3], mean.map((m, i) => -m / std[i]!))] });
const pre = await ort.InferenceSession.create(model, { extra: { session: { "intra_op.allow_spinning": "0" } } });
const s = await ort.InferenceSession.create("../shared/models/mobilenetv2-12-int8.onnx", { extra: { session: { "intra_op.allow_spinning": "0" } } });
const n = 16, plane = 224 * 224; const batches = Array.from({ length: 24 }, (_, b) => { const p = new Uint8Array(n * plane * 3); for (let i = 0; i < p.length; i++) p[i] = (i * 31 + b) & 255; return p; });
const manifest: any = { size: 224, layout: "NCHW", channelOrder: "RGB", scale: 1 / 255, mean, std, inputType: "float32" };
const a = pixelsToTensor(batches[0]!, n, manifest); const b = (await pre.run({ pixels: new ort.Tensor("uint8", batches[0]!, [n, 224, 224, 3]) })).out!.data as Float32Array;
let d = 0; for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!)); console.log("max diff", d);
async function bench(label: string, f: (p: Uint8Array) => Promise<Float32Array> | Float32Array, run: boolean) {
  for (let r = 0; r < 2; r++) { const c = process.cpuUsage(); const t = performance.now();
  for (const p of batches) { const x = await f(p); if (run) await s.run({ input: new ort.Tensor("float32", x, [n, 3, 224, 224]) }); }
  const u = process.cpuUsage(c); console.log(label, (384 / ((performance.now() - t) / 1000)).toFixed(0), "img/s, cpu ms/img", ((u.user + u.system) / 1000 / 384).toFixed(2)); }
}
const fixed = pixelsToTensor(batches[0]!, n, manifest);
const reuse = new Float32Array(n * plane * 3);
await bench("js pack reused + run", (p) => pixelsToTensor(p, n, manifest, reuse), true);
await bench("js pack reused only", (p) => pixelsToTensor(p, n, manifest, reuse), false);
await bench("js pack only", (p) => pixelsToTensor(p, n, manifest), false);
/*, async (p) => (await pre.run({ pixels: new ort.Tensor("uint8", p, [n, 224, 224, 3]) })).out!.data as Float32Array, false);
await bench("js pack + run", (p) => pixelsToTensor(p, n, manifest), true);
*/ //, async (p) => (await pre.run({ pixels: new ort.Tensor("uint8", p, [n, 224, 224, 3]) })).out!.data as Float32Array, true);
await bench("bare", () => fixed, true);
