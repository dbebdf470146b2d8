export { H5Error, type H5ErrorCode } from "./errors.js";
export { H5Reader, h5ErrorSummary, isHdf5, type OpenH5Options, openH5, type RowRange } from "./file.js";
export type { H5Array, H5Column, H5DatasetInfo, H5Dtype, H5Member, H5NumberArray, H5Table } from "./types.js";
