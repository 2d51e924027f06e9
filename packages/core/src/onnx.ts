// @tfai/core/onnx: ONNX export written from the module tree (no tracing), for ONNX Runtime and every other
// runtime that reads ONNX. Node-only (writes files); `onnxBytes` builds the model in memory.

// Export
export { exportOnnx, onnxBytes, inputsOfModule, ONNX_OPSET, ONNX_IR_VERSION } from './onnx/export-onnx.js';
export type { ExportOnnxOptions, OnnxDescription, OnnxExportResult } from './onnx/export-onnx.js';

// Writing converters (a class's `static onnx`)
export { OnnxGraph } from './onnx/graph.js';
export type { OnnxValue, OnnxAttribute, OnnxDType, OnnxDim, OnnxTensorSpec } from './onnx/graph.js';
export { sequentialToOnnx, linearToOnnx } from './onnx/builtins.js';
export { lstmToOnnx } from './onnx/lstm.js';
export type { LstmToOnnxOptions } from './onnx/lstm.js';
export type { OnnxConverter, OnnxContext, OnnxInputsOf } from './onnx/convert.js';

// Errors
export { OnnxExportError } from './errors.js';
