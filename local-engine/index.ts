export { EngineError } from "./engine-error.js";
export { Generation } from "./generation.js";
export { type JsonSchemaNode, jsonSchemaToGrammar } from "./json-schema-grammar.js";
export { listGpuDevices } from "./list-gpu-devices.js";
export { LocalEngine } from "./local-engine.js";
export type { MemoryEstimate } from "./memory-fit.js";
export { MemoryFitError } from "./memory-fit-error.js";
export { QueueFullError } from "./queue-full-error.js";
export { toolCallGrammar } from "./tool-call-grammar.js";
export {
  type OutputEnd,
  type ParsedOutput,
  type ParsedToolCall,
  ToolCallParser,
} from "./tool-call-parser.js";
export type {
  ChatTemplateMessage,
  EmbeddingInfo,
  EmbeddingPooling,
  EmbedOptions,
  EmbedOutput,
  EngineBackend,
  EngineCompletion,
  EngineEvent,
  EngineFinishReason,
  EngineInfo,
  EngineMetrics,
  EngineTimings,
  EngineTool,
  GeneratedToken,
  GenerateRequest,
  GpuChoice,
  GpuDevice,
  LocalEmbeddingOptions,
  LocalEngineOptions,
  StepPhaseMicros,
  TokenAlternative,
  ToolCallFormat,
} from "./types.js";
