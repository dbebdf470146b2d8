export {
  CONVERTER_VERSION,
  type ConvertOptions,
  type ConvertReport,
  type ConvertResult,
  convertTflite,
  SUPPORTED_OPERATORS,
  type TensorInfo,
} from "./convert.js";
export {
  TfliteConversionError,
  type TfliteErrorCode,
  type TfliteLocation,
} from "./errors.js";
export {
  readTflite,
  type TfliteDimensionMetadata,
  type TfliteModel,
  type TfliteOperator,
  type TfliteOptions,
  type TfliteQuantization,
  type TfliteSparsity,
  type TfliteSubgraph,
  type TfliteTensor,
  type TfliteTensorType,
} from "./read.js";
