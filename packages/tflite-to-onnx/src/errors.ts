import { NeuroPoseError } from "@neuropose/io";

/** Where in a TFLite model a conversion problem sits. */
export interface TfliteLocation {
  /** Subgraph index (0 is the main graph). */
  subgraph?: number | undefined;
  /** Operator index inside the subgraph (execution order). */
  operator?: number | undefined;
  /** The operator's name, e.g. "CONV_2D" or "CUSTOM:MyOp". */
  op?: string | undefined;
  /** The tensor concerned (name and index), when there is one. */
  tensor?: string | undefined;
}

/** Stable error codes raised by @neuropose/tflite-to-onnx. */
export type TfliteErrorCode =
  | "E_TFLITE_PARSE"
  | "E_TFLITE_UNSUPPORTED_OP"
  | "E_TFLITE_UNSUPPORTED_OPTION"
  | "E_TFLITE_OUTPUT"
  | "E_TFLITE_OPTIONS";

/**
 * A TFLite model that cannot be read or converted. `code` is one of:
 * `E_TFLITE_PARSE` (not a readable TFLite flatbuffer), `E_TFLITE_UNSUPPORTED_OP` (an operator this converter
 * does not lower), `E_TFLITE_UNSUPPORTED_OPTION` (a supported operator with an option or input it does not
 * handle), `E_TFLITE_OUTPUT` (an unknown output name in `keepOutputs`), `E_TFLITE_OPTIONS` (bad converter
 * options). `location` says where (subgraph, operator index, operator name, tensor).
 *
 * @example
 * ```ts
 * import { convertTflite, TfliteConversionError } from "@neuropose/tflite-to-onnx";
 * try {
 *   convertTflite(new Uint8Array(8));
 * } catch (e) {
 *   if (e instanceof TfliteConversionError) console.log(e.code, e.location);
 * }
 * ```
 */
export class TfliteConversionError extends NeuroPoseError {
  declare readonly code: TfliteErrorCode;
  readonly location: TfliteLocation;

  constructor(
    code: TfliteErrorCode,
    message: string,
    location: TfliteLocation = {},
    options: { hint?: string; cause?: unknown; path?: string } = {},
  ) {
    super(code, `${message}${describeLocation(location)}`, {
      kind: "user",
      hint: options.hint,
      cause: options.cause,
      path: options.path,
    });
    this.location = location;
  }
}

function describeLocation(loc: TfliteLocation): string {
  const parts: string[] = [];
  if (loc.subgraph !== undefined) parts.push(`subgraph ${loc.subgraph}`);
  if (loc.operator !== undefined) parts.push(`operator ${loc.operator}${loc.op ? ` (${loc.op})` : ""}`);
  else if (loc.op) parts.push(`operator ${loc.op}`);
  if (loc.tensor !== undefined) parts.push(`tensor ${loc.tensor}`);
  return parts.length ? ` [at ${parts.join(", ")}]` : "";
}
