import onnxProto, { type onnx as Onnx } from "onnx-proto";

// onnx-proto is CommonJS: its named export is only reachable through the default import under ESM.
const { onnx } = onnxProto;


// A small builder over onnx-proto's ModelProto: the worker's similarity/top-k graph, the demo's baseline encoders
// and the tests' encoders are all written with it. Only standard-domain operators.

export type Dimension = number | string;
export type ElementType = "float" | "float16" | "int64" | "uint8";

const ELEMENT_TYPES: Record<ElementType, Onnx.TensorProto.DataType> = {
  float: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  uint8: onnx.TensorProto.DataType.UINT8,
};

export function valueInfo(name: string, elementType: ElementType, dims: Dimension[]): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[elementType],
        shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

/** Typed attribute values: ONNX tells an INT from a FLOAT by tag, not by value. */
export const attr = {
  int: (i: number): Onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.INT, i }),
  float: (f: number): Onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.FLOAT, f }),
  ints: (ints: number[]): Onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.INTS, ints }),
  floats: (floats: number[]): Onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.FLOATS, floats }),
  string: (s: string): Onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) }),
  graph: (g: Onnx.IGraphProto): Onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.GRAPH, g }),
  tensor: (t: Onnx.ITensorProto): Onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.TENSOR, t }),
};

export function node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, Onnx.IAttributeProto> = {}, domain = ""): Onnx.INodeProto {
  return {
    opType,
    input: inputs,
    output: outputs,
    domain,
    name: `${opType}_${outputs[0] ?? "out"}`,
    attribute: Object.entries(attributes).map(([name, value]) => ({ ...value, name })),
  };
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): Onnx.ITensorProto {
  const data = Float32Array.from(values);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): Onnx.ITensorProto {
  const data = BigInt64Array.from(values.map((value) => BigInt(value)));
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

export interface GraphSpec {
  name?: string;
  nodes: Onnx.INodeProto[];
  inputs: Onnx.IValueInfoProto[];
  outputs: Onnx.IValueInfoProto[];
  initializers?: Onnx.ITensorProto[];
}

export interface ModelSpec extends GraphSpec {
  /** Default-domain opset version. */
  opset?: number;
  irVersion?: number;
  /** Extra opset imports, e.g. a custom domain (the tests' poisoned models). */
  extraOpsets?: { domain: string; version: number }[];
  metadata?: Record<string, string>;
  producer?: string;
}

export function graph(spec: GraphSpec): Onnx.IGraphProto {
  return { name: spec.name ?? "graph", node: spec.nodes, input: spec.inputs, output: spec.outputs, initializer: spec.initializers ?? [] };
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: spec.irVersion ?? 8,
    producerName: spec.producer ?? "podium",
    opsetImport: [{ domain: "", version: spec.opset ?? 17 }, ...(spec.extraOpsets ?? [])],
    graph: graph(spec),
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
