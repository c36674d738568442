import type { Capabilities } from "../core/index.js";
import type { CatalogEntry } from "./catalog-entry.js";

const smaller = (first: number | undefined, second: number | undefined) =>
  first === undefined ? second : second === undefined ? first : Math.min(first, second);

/**
 * What the catalog changes in the capabilities the adapter reports for a model. Both are limits
 * the router must not overrun, so the catalog fills a context window or output cap the adapter
 * leaves out and lowers one it overstates (its tables are per family; the catalog is per model),
 * and a model the catalog says has no tool calls (or no image input) loses `tools` (or `vision`). It never raises a limit or grants
 * a capability: what the adapter cannot send, the catalog cannot add. The policy's fields
 * override the result.
 */
export function narrowCapabilities(
  adapter: Partial<Capabilities>,
  entry: CatalogEntry | undefined,
): Partial<Capabilities> {
  if (entry === undefined) return {};
  const narrowed: Partial<Capabilities> = {};
  const contextWindow = smaller(adapter.contextWindow, entry.contextWindow);
  if (contextWindow !== undefined) narrowed.contextWindow = contextWindow;
  const maxOutputTokens = smaller(adapter.maxOutputTokens, entry.maxOutputTokens);
  if (maxOutputTokens !== undefined) narrowed.maxOutputTokens = maxOutputTokens;
  if (entry.tools === false) narrowed.tools = false;
  // A model the catalog says takes no images loses `vision`; it never gains it from the catalog.
  if (entry.vision === false) narrowed.vision = false;
  return narrowed;
}
