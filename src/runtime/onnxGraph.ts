/**
 * A small reader of ONNX model files (protobuf), enough to count a peer model's size: the graph's
 * nodes (operator, inputs, outputs, attributes; nested graphs such as an If's branches) and its
 * weights (initializers and Constant nodes' tensors: name, data type, dims, byte length). It
 * does not decode weight values. Field numbers are those of onnx/onnx.proto (ModelProto.graph
 * = 7; GraphProto.node = 1, initializer = 5, output = 12; NodeProto.input = 1, output = 2, op_type = 4,
 * attribute = 5; AttributeProto.name = 1, t = 5, g = 6, ints = 8, i = 3, graphs = 11;
 * TensorProto.dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7,
 * name = 8, raw_data = 9, double_data = 10, uint64_data = 11).
 */

export interface OnnxTensor {
  name: string;
  /** TensorProto.DataType (1 float32, 7 int64, 9 bool, 10 float16, 11 float64, …). */
  dataType: number;
  dims: number[];
  /** Bytes of the stored values (raw_data, or the typed repeated field's packed size). */
  byteLength: number;
  /** The values of a small integer tensor (int32/int64, at most SMALL_INTEGERS of them): constants such as a sample rate. */
  integers?: number[];
}

export interface OnnxAttribute {
  name: string;
  int?: number;
  ints?: number[];
  tensor?: OnnxTensor;
  graphs: OnnxGraph[];
}

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  /** Names of the graph's outputs (an If's branch hands these out as the If's outputs). */
  outputs: string[];
}

/** Integer tensors up to this many elements have their values read. */
const SMALL_INTEGERS = 16;

/** Bytes per element of the data types a model's weights use. */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** One protobuf field: its number and either a varint / fixed value or a length-delimited slice. */
interface Field {
  number: number;
  wireType: number;
  value: number;
  bytes: Uint8Array;
}

class Reader {
  private position = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
  ) {}

  done(): boolean {
    return this.position >= this.bytes.length;
  }

  private fail(reason: string): never {
    throw new Error(`${this.where}: not an ONNX model (${reason} at byte ${this.position})`);
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.bytes.length) this.fail('truncated varint');
      const byte = this.bytes[this.position++]!;
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return result;
    }
    this.fail('varint longer than 10 bytes');
  }

  field(): Field {
    const key = this.varint();
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    const start = this.position;
    const skip = (n: number): Uint8Array => {
      if (this.position + n > this.bytes.length) this.fail(`field ${number} runs past the end`);
      this.position += n;
      return this.bytes.subarray(start, this.position);
    };
    switch (wireType) {
      case 0:
        return { number, wireType, value: this.varint(), bytes: new Uint8Array(0) };
      case 1:
        return { number, wireType, value: 0, bytes: skip(8) };
      case 2: {
        const length = this.varint();
        const from = this.position;
        if (from + length > this.bytes.length) this.fail(`field ${number} runs past the end`);
        this.position += length;
        return { number, wireType, value: length, bytes: this.bytes.subarray(from, this.position) };
      }
      case 5:
        return { number, wireType, value: 0, bytes: skip(4) };
      default:
        this.fail(`wire type ${wireType}`);
    }
  }
}

function* fields(bytes: Uint8Array, where: string): Generator<Field> {
  const reader = new Reader(bytes, where);
  while (!reader.done()) yield reader.field();
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A repeated integer field: one varint per field, or a packed run of varints. Int64 values past 2^53 lose precision (dims never do). */
function pushInts(into: number[], field: Field, where: string): void {
  if (field.wireType === 0) {
    into.push(field.value);
    return;
  }
  const reader = new Reader(field.bytes, where);
  while (!reader.done()) into.push(reader.varint());
}

function readTensor(bytes: Uint8Array, where: string): OnnxTensor {
  const tensor: OnnxTensor = { name: '', dataType: 0, dims: [], byteLength: 0 };
  let typedCount = 0;
  let raw: Uint8Array | null = null;
  const typedIntegers: number[] = [];
  for (const field of fields(bytes, where)) {
    if (field.number === 1) pushInts(tensor.dims, field, where);
    else if (field.number === 2) tensor.dataType = field.value;
    else if (field.number === 8) tensor.name = text(field.bytes);
    else if (field.number === 9) raw = field.bytes;
    else if (field.number === 4 || field.number === 10) typedCount += field.wireType === 2 ? field.bytes.length / (field.number === 4 ? 4 : 8) : 1;
    else if (field.number === 5 || field.number === 7 || field.number === 11) {
      const before = typedIntegers.length;
      pushInts(typedIntegers, field, where);
      typedCount += typedIntegers.length - before;
    }
  }
  // Values in raw_data, or in a typed field: then their count × the element size.
  tensor.byteLength = raw !== null ? raw.length : typedCount * (ELEMENT_BYTES[tensor.dataType] ?? 0);
  const isInteger = tensor.dataType === 6 || tensor.dataType === 7;
  if (isInteger && elementCount(tensor) <= SMALL_INTEGERS) {
    if (raw === null) tensor.integers = typedIntegers;
    else {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const size = tensor.dataType === 7 ? 8 : 4;
      tensor.integers = Array.from({ length: raw.length / size }, (_, i) => (size === 8 ? Number(view.getBigInt64(8 * i, true)) : view.getInt32(4 * i, true)));
    }
  }
  return tensor;
}

function readAttribute(bytes: Uint8Array, where: string): OnnxAttribute {
  const attribute: OnnxAttribute = { name: '', graphs: [] };
  for (const field of fields(bytes, where)) {
    if (field.number === 1) attribute.name = text(field.bytes);
    else if (field.number === 3) attribute.int = field.value;
    else if (field.number === 8) pushInts((attribute.ints ??= []), field, where);
    else if (field.number === 5) attribute.tensor = readTensor(field.bytes, where);
    else if (field.number === 6 || field.number === 11) attribute.graphs.push(readGraph(field.bytes, where));
  }
  return attribute;
}

function readNode(bytes: Uint8Array, where: string): OnnxNode {
  const node: OnnxNode = { opType: '', inputs: [], outputs: [], attributes: [] };
  for (const field of fields(bytes, where)) {
    if (field.number === 1) node.inputs.push(text(field.bytes));
    else if (field.number === 2) node.outputs.push(text(field.bytes));
    else if (field.number === 4) node.opType = text(field.bytes);
    else if (field.number === 5) node.attributes.push(readAttribute(field.bytes, where));
  }
  return node;
}

function readGraph(bytes: Uint8Array, where: string): OnnxGraph {
  const graph: OnnxGraph = { name: '', nodes: [], initializers: [], outputs: [] };
  for (const field of fields(bytes, where)) {
    if (field.number === 1) graph.nodes.push(readNode(field.bytes, where));
    else if (field.number === 2) graph.name = text(field.bytes);
    else if (field.number === 5) graph.initializers.push(readTensor(field.bytes, where));
    // GraphProto.output = 12: a ValueInfoProto, whose name is field 1.
    else if (field.number === 12) for (const info of fields(field.bytes, where)) if (info.number === 1) graph.outputs.push(text(info.bytes));
  }
  return graph;
}

/** The main graph of an ONNX model file; `where` names the file in errors. */
export function readOnnxGraph(bytes: Uint8Array, where = 'ONNX model'): OnnxGraph {
  for (const field of fields(bytes, where)) if (field.number === 7 && field.wireType === 2) return readGraph(field.bytes, where);
  throw new Error(`${where}: not an ONNX model (no graph)`);
}

/** Elements of a tensor (the product of its dims; a scalar has one). */
export function elementCount(tensor: OnnxTensor): number {
  return tensor.dims.reduce((n, d) => n * d, 1);
}

/** Every weight of a graph and the graphs nested in it: initializers and Constant nodes' tensors. */
export function graphWeights(graph: OnnxGraph): OnnxTensor[] {
  const out = [...graph.initializers];
  for (const node of graph.nodes) {
    for (const attribute of node.attributes) {
      if (node.opType === 'Constant' && attribute.tensor !== undefined) out.push({ ...attribute.tensor, name: attribute.tensor.name || node.outputs[0] || '' });
      for (const nested of attribute.graphs) out.push(...graphWeights(nested));
    }
  }
  return out;
}
