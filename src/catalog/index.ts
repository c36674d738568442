export type { CatalogAnswer, CatalogEntry, CatalogQuery, CatalogSources } from "./catalog-entry.js";
export { bundledModelCatalog, createBundledModelCatalog, type ModelCatalog } from "./model-catalog.js";
export { narrowCapabilities } from "./narrow-capabilities.js";
