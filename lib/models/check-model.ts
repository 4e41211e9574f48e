import onnxProto, { type onnx as Onnx } from "onnx-proto";
import { inputSize, modelManifestSchema, type ModelManifest } from "./manifest";

const { onnx } = onnxProto;

// Static checks of an uploaded ONNX model, before it is queued and before any quota is used: each failure names
// exactly what is wrong. The dry run (model-sandbox.ts) follows; together they catch most broken models in seconds
// instead of after a GPU job.

/** Default-domain opsets onnxruntime 1.30 runs. */
export const SUPPORTED_OPSETS = { min: 7, max: 23 } as const;
const STANDARD_DOMAINS = new Set(["", "ai.onnx", "ai.onnx.ml"]);

export class ModelCheckError extends Error {
  constructor(
    readonly code: "NOT_ONNX" | "OPSET" | "CUSTOM_OPERATOR" | "EXTERNAL_DATA" | "ARCHIVE" | "INPUT" | "OUTPUT" | "MANIFEST" | "DRY_RUN" | "TOO_LARGE",
    message: string,
  ) {
    super(message);
    this.name = "ModelCheckError";
  }
}

export interface ModelSummary {
  opset: number;
  nodeCount: number;
  /** Operator types used, e.g. { Conv: 52, Relu: 35 }. */
  operators: Record<string, number>;
  inputs: { name: string; elementType: string; dims: (number | string)[] }[];
  outputs: { name: string; elementType: string; dims: (number | string)[] }[];
  /** Manifest fields found in the model's metadata_props (key "podium.manifest", JSON). */
  metadataManifest: Record<string, unknown> | null;
  /** Tensors whose data is in an external file (checked against the upload's files by model-files.ts). */
  externalData: ExternalDataReference[];
}

export interface ExternalDataReference {
  tensor: string;
  location: string;
  offset: number;
  /** Bytes; null: to the end of the file. */
  length: number | null;
}

const ELEMENT_NAMES: Record<number, string> = { 1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 10: "float16", 11: "float64", 16: "bfloat16" };

function decodeModel(bytes: Uint8Array): Onnx.ModelProto {
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelCheckError("NOT_ONNX", `the file is not an ONNX model: protobuf decoding failed (${error instanceof Error ? error.message : String(error)})${bytes.length === 0 ? "; the file is empty" : ""}`);
  }
  if (!model.graph || (model.graph.node?.length ?? 0) === 0) throw new ModelCheckError("NOT_ONNX", "the file is not an ONNX model: it has no graph (or an empty one)");
  if (!model.opsetImport || model.opsetImport.length === 0) throw new ModelCheckError("NOT_ONNX", "the file is not an ONNX model: it declares no opset_import");
  return model;
}

function describeValue(value: Onnx.IValueInfoProto) {
  const tensor = value.type?.tensorType;
  return {
    name: value.name ?? "",
    elementType: ELEMENT_NAMES[tensor?.elemType ?? 0] ?? `type ${tensor?.elemType ?? "unknown"}`,
    dims: (tensor?.shape?.dim ?? []).map((dim) => (dim.dimParam ? dim.dimParam : dim.dimValue !== undefined && dim.dimValue !== null ? Number(dim.dimValue) : "?")),
  };
}

/** Every node, including those inside If/Loop/Scan bodies. */
function* allNodes(graph: Onnx.IGraphProto): Generator<Onnx.INodeProto> {
  for (const item of graph.node ?? []) {
    yield item;
    for (const attribute of item.attribute ?? []) {
      if (attribute.g) yield* allNodes(attribute.g);
      for (const sub of attribute.graphs ?? []) yield* allNodes(sub);
    }
  }
}

function* allTensors(graph: Onnx.IGraphProto): Generator<Onnx.ITensorProto> {
  yield* graph.initializer ?? [];
  for (const sparse of graph.sparseInitializer ?? []) if (sparse.values) yield sparse.values;
  for (const item of graph.node ?? []) {
    for (const attribute of item.attribute ?? []) {
      if (attribute.t) yield attribute.t;
      yield* attribute.tensors ?? [];
      if (attribute.g) yield* allTensors(attribute.g);
      for (const sub of attribute.graphs ?? []) yield* allTensors(sub);
    }
  }
}

/** Structure checks that need no manifest: ONNX protobuf, opset, standard operators only; external data is listed. */
export function inspectModel(bytes: Uint8Array): ModelSummary {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const defaultOpset = model.opsetImport.find((entry) => (entry.domain ?? "") === "" || entry.domain === "ai.onnx");
  if (!defaultOpset) throw new ModelCheckError("OPSET", "the model imports no default ONNX opset (domain \"\")");
  const opset = Number(defaultOpset.version);
  if (opset < SUPPORTED_OPSETS.min || opset > SUPPORTED_OPSETS.max) {
    throw new ModelCheckError("OPSET", `opset ${opset} is outside the supported range ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}; re-export the model with an opset in that range`);
  }
  const operators: Record<string, number> = {};
  let nodeCount = 0;
  for (const item of allNodes(graph)) {
    nodeCount++;
    const domain = item.domain ?? "";
    if (!STANDARD_DOMAINS.has(domain)) {
      throw new ModelCheckError("CUSTOM_OPERATOR", `node "${item.name || item.opType}" uses operator ${item.opType} of the custom domain "${domain}": only standard ONNX operators (domains ai.onnx and ai.onnx.ml) can run`);
    }
    operators[item.opType ?? "?"] = (operators[item.opType ?? "?"] ?? 0) + 1;
  }
  const externalData: ExternalDataReference[] = [];
  for (const tensor of allTensors(graph)) {
    if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (tensor.externalData?.length ?? 0) > 0) {
      const entry = (key: string) => tensor.externalData?.find((item) => item.key === key)?.value ?? null;
      const location = entry("location");
      const number = (key: string) => {
        const value = entry(key);
        if (value === null) return null;
        if (!/^\d+$/.test(value)) throw new ModelCheckError("EXTERNAL_DATA", `tensor "${tensor.name ?? ""}" has an external data ${key} "${value}" that is not a whole number`);
        return Number(value);
      };
      if (!location) throw new ModelCheckError("EXTERNAL_DATA", `tensor "${tensor.name ?? ""}" keeps its data in an external file but names no location`);
      externalData.push({ tensor: tensor.name ?? "", location, offset: number("offset") ?? 0, length: number("length") });
    }
  }
  const initializerNames = new Set((graph.initializer ?? []).map((tensor) => tensor.name));
  const manifestEntry = (model.metadataProps ?? []).find((entry) => entry.key === "podium.manifest");
  let metadataManifest: Record<string, unknown> | null = null;
  if (manifestEntry?.value) {
    try {
      const parsed: unknown = JSON.parse(manifestEntry.value);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) metadataManifest = parsed as Record<string, unknown>;
      else throw new Error("not a JSON object");
    } catch (error) {
      throw new ModelCheckError("MANIFEST", `the model's metadata_props "podium.manifest" is not a JSON object (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return {
    opset,
    nodeCount,
    operators,
    inputs: (graph.input ?? []).filter((value) => !initializerNames.has(value.name)).map(describeValue),
    outputs: (graph.output ?? []).map(describeValue),
    metadataManifest,
    externalData,
  };
}

/** The manifest: fields given with the upload override those in the model's metadata_props. */
export function resolveManifest(summary: ModelSummary, given: Record<string, unknown> | null | undefined): ModelManifest {
  const merged = { ...(summary.metadataManifest ?? {}), ...(given ?? {}) };
  const parsed = modelManifestSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "manifest"}: ${issue.message}`);
    throw new ModelCheckError("MANIFEST", `the manifest is invalid: ${problems.join("; ")}`);
  }
  return parsed.data;
}

function compatible(dim: number | string, expected: number): boolean {
  return typeof dim === "string" || dim === expected;
}

const INPUT_TYPES = ["float32", "float16", "uint8"] as const;
const OUTPUT_TYPES = ["float32", "float16"] as const;

/** What the worker reads from the model itself to feed it and read it (stored in the entry's manifest). */
export type ModelIo = Pick<ModelManifest, "inputType" | "outputType" | "fixedBatch">;

/**
 * The declared input and output exist, with element types and shapes the worker can feed and read. Returns what the
 * model's own signature decides: the input's element type (float32, float16, or uint8 pixels for a graph that does
 * its own preprocessing), the output's, and the batch size when the export fixed one.
 */
export function checkModelAgainstManifest(summary: ModelSummary, manifest: ModelManifest): ModelIo {
  const input = summary.inputs.find((value) => value.name === manifest.input);
  const names = (values: { name: string }[]) => values.map((value) => `"${value.name}"`).join(", ") || "none";
  if (!input) throw new ModelCheckError("INPUT", `the manifest's input "${manifest.input}" is not an input of the model (its inputs: ${names(summary.inputs)})`);
  const extra = summary.inputs.filter((value) => value.name !== manifest.input);
  if (extra.length > 0) throw new ModelCheckError("INPUT", `the model has inputs the worker cannot feed: ${names(extra)} (only "${manifest.input}" receives the images)`);
  const inputType = INPUT_TYPES.find((type) => type === input.elementType);
  if (!inputType) throw new ModelCheckError("INPUT", `input "${input.name}" has element type ${input.elementType}; the worker feeds float32, float16 or uint8 (pixels 0–255)`);
  const [height, width] = inputSize(manifest);
  const expected = manifest.layout === "NCHW" ? [null, 3, height, width] : [null, height, width, 3];
  if (input.dims.length !== 4) throw new ModelCheckError("INPUT", `input "${input.name}" has rank ${input.dims.length} (${input.dims.join("×")}); a ${manifest.layout} image batch has rank 4`);
  for (let axis = 1; axis < 4; axis++) {
    if (!compatible(input.dims[axis]!, expected[axis]!)) {
      throw new ModelCheckError("INPUT", `input "${input.name}" has shape [${input.dims.join(", ")}] but the manifest declares ${manifest.layout} [N, ${expected.slice(1).join(", ")}]`);
    }
  }
  const batchDim = input.dims[0]!;
  const fixedBatch = typeof batchDim === "number" && batchDim > 0 ? batchDim : null;
  if (typeof batchDim === "number" && (batchDim < 1 || batchDim > 1024)) {
    throw new ModelCheckError("INPUT", `input "${input.name}" fixes its batch size at ${batchDim}; a fixed batch size must be 1 to 1024 (or export it dynamic)`);
  }
  const output = summary.outputs.find((value) => value.name === manifest.output);
  if (!output) throw new ModelCheckError("OUTPUT", `the manifest's output "${manifest.output}" is not an output of the model (its outputs: ${names(summary.outputs)})`);
  const outputType = OUTPUT_TYPES.find((type) => type === output.elementType);
  if (!outputType) throw new ModelCheckError("OUTPUT", `output "${output.name}" has element type ${output.elementType}; embeddings must be float32 or float16`);
  // [N, D], or with axes of size 1 the worker squeezes ([N, 1, D]); rank 0 means the export declared no shape.
  const kept = output.dims.slice(1).filter((dim) => dim !== 1);
  if (output.dims.length !== 0 && (output.dims.length < 2 || kept.length > 1)) {
    throw new ModelCheckError("OUTPUT", `output "${output.name}" has shape [${output.dims.join(", ")}]; embeddings must be [N, D] (axes of size 1, as in [N, 1, D], are squeezed)`);
  }
  return { inputType, outputType, fixedBatch };
}
