// Public type descriptions of HDF5 objects as @neuropose/h5 reports them.

/** The storage type of a dataset or compound member. */
export interface H5Dtype {
  class:
    | "int"
    | "uint"
    | "float"
    | "string"
    | "compound"
    | "enum"
    | "array"
    | "vlen"
    | "reference"
    | "bitfield"
    | "opaque"
    | "other";
  /** Bytes per element. */
  size: number;
  littleEndian: boolean;
  /** Strings: variable length. */
  vlen?: boolean;
  /** Strings: declared UTF-8 (otherwise ASCII). */
  utf8?: boolean;
  /** Compound members, in storage order. */
  members?: H5Member[];
  /** Enum: the integer type; array and vlen: the element type. */
  base?: H5Dtype;
  /** Array members: the shape of one element. */
  arrayShape?: number[];
  /** Enum: member name → value. */
  enumMembers?: Record<string, number>;
}

export interface H5Member {
  name: string;
  /** Byte offset inside one compound element. */
  offset: number;
  dtype: H5Dtype;
}

/** Shape, type and layout of a dataset. */
export interface H5DatasetInfo {
  /** Path inside the file. */
  path: string;
  /** Dimensions (empty for a scalar). */
  shape: number[];
  dtype: H5Dtype;
  /** Chunk shape, or null for contiguous storage. */
  chunks: number[] | null;
}

/** Numbers read from a dataset with their real type; 64-bit integers become Float64Array (exact below 2^53). */
export type H5NumberArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/** A numeric dataset (row-major). */
export interface H5Array {
  data: H5NumberArray;
  shape: number[];
  dtype: H5Dtype;
}

/** One member of a compound dataset as a column: `width` values per row (array members), row-major. */
export interface H5Column {
  data: Float64Array;
  width: number;
  dtype: H5Dtype;
}

/** A compound (table-like) dataset read column by column; string members are read as `strings`. */
export interface H5Table {
  length: number;
  columns: Record<string, H5Column>;
  strings: Record<string, string[]>;
}
