export { chatmlTemplate } from "./chatml-template.js";
export { type EncodableGgmlType, encodeTensorData } from "./encode-tensor-data.js";
export { type EnsuredLlamaModel, ensureLlamaModel } from "./ensure-llama-model.js";
export {
  decodeFloat16,
  encodeFloat16,
  float16BitsToFloat32,
  float32BitsToFloat16Bits,
  float32ToFloat16Bits,
} from "./float16.js";
export { GgmlType, type GgmlTypeTraits, ggmlTensorByteSize, ggmlTypeTraits } from "./ggml-type.js";
export {
  type GgufArrayValue,
  type GgufMetadataValue,
  type GgufScalarValue,
  GgufValueType,
  ggufNumber,
  ggufString,
  ggufValue,
} from "./gguf-metadata-value.js";
export {
  GGUF_DEFAULT_ALIGNMENT,
  type GgufFileSpec,
  type GgufTensorSource,
  type GgufWriteResult,
  writeGguf,
} from "./gguf-writer.js";
export { hermesToolsTemplate } from "./hermes-template.js";
export {
  type LlamaModelPresetName,
  type LlamaModelShape,
  type LlamaWeightType,
  llamaModelPresets,
} from "./llama-model-presets.js";
export {
  buildLlamaVocab,
  LlamaTokenType,
  type LlamaVocab,
  llamaSpecialTokenIds,
  SPACE_MARKER,
} from "./llama-vocab.js";
export {
  describeLlamaModel,
  LLAMA_MODEL_GENERATOR_VERSION,
  type LlamaChatTemplateName,
  type LlamaModelFile,
  type LlamaPoolingName,
  type MakeLlamaModelOptions,
  makeLlamaModel,
} from "./make-llama-model.js";
export { dequantizeQ8_0, Q8_0_BLOCK_BYTES, Q8_0_BLOCK_SIZE, quantizeQ8_0 } from "./quantize-q8-0.js";
export { type GgufFileMetadata, type GgufTensorDescription, readGgufMetadata } from "./read-gguf-metadata.js";
export { createSeededRandom, type SeededRandom } from "./seeded-random.js";
