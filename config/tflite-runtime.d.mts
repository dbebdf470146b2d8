export interface TfliteTensor {
  name: string;
  data(): Float32Array;
}
export interface TfliteVector {
  size(): number;
  get(i: number): TfliteTensor;
  delete(): void;
}
/** The runtime's TFLiteWebModelRunner. */
export interface TfliteRunnerNative {
  GetInputs(): TfliteVector;
  GetOutputs(): TfliteVector;
  Infer(): boolean;
}
export declare function createTfliteRunner(
  model: Uint8Array,
  options: { from: string; simd?: boolean },
): Promise<TfliteRunnerNative>;
