import { EngineError } from "./engine-error.js";
import type { NativeSubmitParams } from "./native-addon.js";
import type { GenerateRequest } from "./types.js";

function check(condition: boolean, message: string): void {
  if (!condition) throw new EngineError("INVALID_ARGUMENT", message);
}

function finite(value: number | undefined, name: string, min: number, max: number): void {
  if (value !== undefined)
    check(Number.isFinite(value) && value >= min && value <= max, `${name} must be in [${min}, ${max}]`);
}

/** The request as the addon takes it; throws EngineError("INVALID_ARGUMENT") naming the field. */
export function validateRequest(request: GenerateRequest): NativeSubmitParams {
  check(
    Number.isInteger(request.maxTokens) && request.maxTokens >= 1,
    "maxTokens must be a positive integer",
  );
  finite(request.temperature, "temperature", 0, 100);
  finite(request.topP, "topP", 0, 1);
  finite(request.minP, "minP", 0, 1);
  finite(request.repeatPenalty, "repeatPenalty", 0, 100);
  if (request.topK !== undefined)
    check(Number.isInteger(request.topK) && request.topK >= 0, "topK must be a non-negative integer");
  if (request.seed !== undefined) {
    check(
      Number.isInteger(request.seed) && request.seed >= 0 && request.seed < 2 ** 32 - 1,
      "seed must be a 32-bit unsigned integer",
    );
  }
  if (request.logprobs !== undefined) {
    check(
      Number.isInteger(request.logprobs) && request.logprobs >= 0 && request.logprobs <= 20,
      "logprobs must be an integer in [0, 20]",
    );
  }
  if (request.priority !== undefined)
    check(Number.isInteger(request.priority), "priority must be an integer");
  if (request.stop !== undefined)
    check(
      request.stop.every((stop) => typeof stop === "string"),
      "stop must be strings",
    );
  if (request.renderSpecialTokens !== undefined) {
    check(typeof request.renderSpecialTokens === "boolean", "renderSpecialTokens must be a boolean");
  }
  const params: NativeSubmitParams = { maxTokens: request.maxTokens };
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.topP !== undefined) params.topP = request.topP;
  if (request.topK !== undefined) params.topK = request.topK;
  if (request.minP !== undefined) params.minP = request.minP;
  if (request.seed !== undefined) params.seed = request.seed;
  if (request.repeatPenalty !== undefined) params.repeatPenalty = request.repeatPenalty;
  if (request.stop !== undefined) params.stop = request.stop.filter((stop) => stop.length > 0);
  if (request.grammar !== undefined) params.grammar = request.grammar;
  if (request.logprobs !== undefined) params.logprobs = request.logprobs;
  if (request.priority !== undefined) params.priority = request.priority;
  if (request.renderSpecialTokens) params.renderSpecialTokens = true;
  return params;
}
