/** Where in a request a value sits: keys and list indexes from the request's root. */
export type FieldPath = readonly (string | number)[];

const plainKey = /^[A-Za-z0-9_$-]+$/;

/**
 * `messages[2].content`, `responseFormat.schema.properties.a.$ref`; a key with other characters is
 * quoted (`metadata["a.b"]`) so the path reads back unambiguously.
 */
export function formatField(path: FieldPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (plainKey.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || "request";
}
