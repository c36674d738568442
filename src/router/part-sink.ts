import type { ProviderStreamPart } from "../core/index.js";

/** Receives the parts that reach the caller of a stream; resolves when the caller took them. */
export type PartSink = (part: ProviderStreamPart) => Promise<void>;
