import { closeSync, fstatSync, openSync, readSync } from "node:fs";

// The static checks need a model's graph — operators, opsets, inputs and outputs, which tensors keep external data —
// not its weights, which are nearly all of a 1.2 GB file. This reads the ONNX protobuf from disk field by field and
// writes it back without the tensors' payloads (raw_data, float_data …), seeking past them: a few megabytes of memory
// for any model, and the same ModelProto to inspect otherwise.

/** Field numbers (onnx.proto3) of the messages that can hold tensors, and the tensor fields that are payload. */
const MODEL_GRAPH = 7;
const MODEL_FUNCTIONS = 25;
const FUNCTION_NODES = 7;
const GRAPH_NODES = 1;
const GRAPH_INITIALIZERS = 5;
const GRAPH_SPARSE_INITIALIZERS = 15;
const NODE_ATTRIBUTES = 5;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_TENSORS = 10;
const ATTRIBUTE_GRAPHS = 11;
const ATTRIBUTE_SPARSE_TENSOR = 22;
const ATTRIBUTE_SPARSE_TENSORS = 23;
const SPARSE_VALUES = 1;
const SPARSE_INDICES = 2;
/** float_data, int32_data, string_data, int64_data, raw_data, double_data, uint64_data. */
const TENSOR_PAYLOAD = new Set([4, 5, 6, 7, 9, 10, 11]);

type MessageKind = "model" | "function" | "graph" | "node" | "attribute" | "tensor" | "sparse";

/** Which nested messages of a message are walked (the rest of its fields are copied as they are). */
const NESTED: Record<MessageKind, Record<number, MessageKind>> = {
  model: { [MODEL_GRAPH]: "graph", [MODEL_FUNCTIONS]: "function" },
  function: { [FUNCTION_NODES]: "node" },
  graph: { [GRAPH_NODES]: "node", [GRAPH_INITIALIZERS]: "tensor", [GRAPH_SPARSE_INITIALIZERS]: "sparse" },
  node: { [NODE_ATTRIBUTES]: "attribute" },
  attribute: { [ATTRIBUTE_TENSOR]: "tensor", [ATTRIBUTE_GRAPH]: "graph", [ATTRIBUTE_TENSORS]: "tensor", [ATTRIBUTE_GRAPHS]: "graph", [ATTRIBUTE_SPARSE_TENSOR]: "sparse", [ATTRIBUTE_SPARSE_TENSORS]: "sparse" },
  sparse: { [SPARSE_VALUES]: "tensor", [SPARSE_INDICES]: "tensor" },
  tensor: {},
};

export class ModelFormatError extends Error {}

/** Buffered reads at any offset of a file; skipping past a payload costs nothing. */
class FileCursor {
  private buffer = Buffer.alloc(64 * 1024);
  private bufferStart = 0;
  private bufferLength = 0;
  position = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private fill(): void {
    this.bufferStart = this.position;
    this.bufferLength = readSync(this.fd, this.buffer, 0, this.buffer.length, this.position);
  }

  byte(): number {
    if (this.position >= this.size) throw new ModelFormatError("the file ends inside a protobuf field");
    if (this.position < this.bufferStart || this.position >= this.bufferStart + this.bufferLength) this.fill();
    return this.buffer[this.position++ - this.bufferStart]!;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ModelFormatError("a protobuf varint is longer than 10 bytes");
  }

  bytes(length: number): Buffer {
    if (this.position + length > this.size) throw new ModelFormatError("a protobuf field runs past the end of the file");
    const out = Buffer.alloc(length);
    readSync(this.fd, out, 0, length, this.position);
    this.position += length;
    return out;
  }
}

function encodeVarint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return Buffer.from(bytes);
}

/** Re-encodes the message in [cursor.position, end) without its tensors' payloads. */
function skimMessage(cursor: FileCursor, end: number, kind: MessageKind, depth: number): Buffer {
  if (depth > 64) throw new ModelFormatError("the model nests graphs more than 64 levels deep");
  const parts: Buffer[] = [];
  while (cursor.position < end) {
    const tagStart = cursor.position;
    const tag = cursor.varint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    const tagBytes = encodeVarint(tag);
    switch (wireType) {
      case 0: {
        const value = cursor.varint();
        parts.push(tagBytes, encodeVarint(value));
        break;
      }
      case 1:
      case 5: {
        const bytes = cursor.bytes(wireType === 1 ? 8 : 4);
        if (!(kind === "tensor" && TENSOR_PAYLOAD.has(field))) parts.push(tagBytes, bytes);
        break;
      }
      case 2: {
        const length = Number(cursor.varint());
        const valueEnd = cursor.position + length;
        if (valueEnd > end) throw new ModelFormatError(`a protobuf field at byte ${tagStart} runs past its message`);
        const nested = NESTED[kind][field];
        if (kind === "tensor" && TENSOR_PAYLOAD.has(field)) cursor.position = valueEnd; // the weights: skipped unread
        else if (nested) {
          const inner = skimMessage(cursor, valueEnd, nested, depth + 1);
          parts.push(tagBytes, encodeVarint(BigInt(inner.length)), inner);
        } else parts.push(tagBytes, encodeVarint(BigInt(length)), cursor.bytes(length));
        cursor.position = valueEnd;
        break;
      }
      default:
        throw new ModelFormatError(`protobuf wire type ${wireType} at byte ${tagStart} is not used by ONNX`);
    }
  }
  if (cursor.position !== end) throw new ModelFormatError("a protobuf message ends inside a field");
  return Buffer.concat(parts);
}

/**
 * The model's ModelProto without its tensors' payloads, read from `path` without loading the weights. Throws
 * ModelFormatError for bytes that are not a protobuf message.
 */
export function readModelSkeleton(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const cursor = new FileCursor(fd, fstatSync(fd).size);
    return skimMessage(cursor, cursor.size, "model", 0);
  } finally {
    closeSync(fd);
  }
}
