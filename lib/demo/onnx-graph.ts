import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";

// A small builder for ONNX models made of standard-domain operators, so the demo's baseline encoders are real
// .onnx files that any runtime (and Podium's worker) can load — no participant code, as PRODUCT.md requires.

// onnx-proto is CommonJS: its namespace comes through the default export under Node's ESM loader.
const { onnx } = onnxProto;

export const OPSET_VERSION = 17;
export const IR_VERSION = 8;

/** Attribute values, tagged with their ONNX type (an integer and a float look the same in JavaScript). */
export type AttributeValue = { int: number } | { ints: number[] } | { float: number };

/** A dimension: a fixed size, or a named symbolic one such as the batch size "N". */
export type Dimension = number | string;

export interface TensorSignature {
  name: string;
  dims: Dimension[];
}

export class OnnxGraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly usedNames = new Set<string>();

  /** A fresh value name starting with `base`. */
  private uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  /** A float32 initializer; returns its value name. */
  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    const count = dims.reduce((product, dim) => product * dim, 1);
    if (values.length !== count) throw new RangeError(`initializer ${name}: ${values.length} values for shape [${dims.join(", ")}]`);
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(values) });
    return unique;
  }

  /** A 1-D int64 initializer (shapes, axes). */
  int64s(name: string, values: number[]): string {
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
    return unique;
  }

  /** Adds `opType(inputs)` and returns the name of its (single) output. */
  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    const output = outputName ?? this.uniqueName(opType.toLowerCase());
    if (outputName !== undefined) this.usedNames.add(outputName);
    this.nodes.push({ opType, domain: "", name: `${opType}_${this.nodes.length}`, input: inputs, output: [output], attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)) });
    return output;
  }

  /** The serialized model (`.onnx` bytes). */
  encode(options: { graphName: string; input: TensorSignature; output: TensorSignature; docString?: string; metadata?: Record<string, string> }): Uint8Array {
    this.usedNames.add(options.input.name);
    const model: OnnxTypes.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: "", version: OPSET_VERSION }],
      producerName: "podium-demo",
      producerVersion: "1",
      docString: options.docString ?? "",
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(options.input)],
        output: [valueInfo(options.output)],
      },
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}

function attributeProto(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if ("int" in value) return { name, type: AttributeType.INT, i: value.int };
  if ("ints" in value) return { name, type: AttributeType.INTS, ints: value.ints };
  return { name, type: AttributeType.FLOAT, f: value.float };
}

function valueInfo(signature: TensorSignature): OnnxTypes.IValueInfoProto {
  return {
    name: signature.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: signature.dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}
