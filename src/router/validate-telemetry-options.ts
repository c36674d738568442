import { isRecord, kindOf } from "./describe-value.js";

/**
 * Says what is wrong with the `telemetry` option, naming the field (`telemetry.tracing.tracer`),
 * or undefined when it is fine. Strings are never quoted: a misplaced one may be a secret.
 */
export function validateTelemetryOptions(value: unknown, option = "telemetry"): string | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value))
    return `expected an object such as { tracing: true, metrics: true }, got ${kindOf(value)}`;
  const unknown = unknownKey(value, ["tracing", "metrics", "recordContent", "metadataKeys"], option);
  if (unknown) return unknown;
  return (
    signalProblem(value.tracing, `${option}.tracing`, { tracer: "startSpan" }) ??
    signalProblem(value.metrics, `${option}.metrics`, { meter: "createHistogram" }) ??
    booleanProblem(value.recordContent, `${option}.recordContent`) ??
    keysProblem(value.metadataKeys, `${option}.metadataKeys`)
  );
}

/** `true`, `false`, or `{ tracer | meter: an instance or a name }` (metrics also take metadataKeys). */
function signalProblem(value: unknown, at: string, instance: Record<string, string>): string | undefined {
  if (value === undefined || typeof value === "boolean") return undefined;
  if (!isRecord(value)) return `${at} expected a boolean or an object, got ${kindOf(value)}`;
  const [field, method] = Object.entries(instance)[0] as [string, string];
  const allowed = field === "meter" ? [field, "metadataKeys"] : [field];
  const unknown = unknownKey(value, allowed, at);
  if (unknown) return unknown;
  const given = value[field];
  if (given !== undefined) {
    if (typeof given === "string") {
      if (given.trim() === "") return `${at}.${field} is an empty name`;
    } else if (!isRecord(given) || typeof given[method] !== "function") {
      return `${at}.${field} expected an OpenTelemetry ${field === "meter" ? "Meter" : "Tracer"} (with ${method}) or its name, got ${kindOf(given)}`;
    }
  }
  return field === "meter" ? keysProblem(value.metadataKeys, `${at}.metadataKeys`) : undefined;
}

function keysProblem(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return `${at} expected an array of metadata keys, got ${kindOf(value)}`;
  for (const [index, key] of value.entries()) {
    if (typeof key !== "string" || key === "")
      return `${at}[${index}] must be a non-empty string, got ${kindOf(key)}`;
  }
  return undefined;
}

function booleanProblem(value: unknown, at: string): string | undefined {
  return value === undefined || typeof value === "boolean"
    ? undefined
    : `${at} expected a boolean, got ${kindOf(value)}`;
}

function unknownKey(
  value: Record<string, unknown>,
  known: readonly string[],
  at: string,
): string | undefined {
  const key = Object.keys(value).find((name) => !known.includes(name));
  return key === undefined ? undefined : `${at}.${key} is not an option (options: ${known.join(", ")})`;
}
