/** A JSON Schema document, kept structural: adapters pass it through to providers verbatim. */
export type JsonSchema = { [key: string]: JsonValue };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
