export {
  type BuildNativeAddonOptions,
  type BuildNativeAddonResult,
  buildNativeAddon,
  isNativeAddonBuilt,
  nativePackageRoot,
} from "./build-native-addon.js";
export { ensureLlamaSource, findNodeLlamaCpp } from "./llama-source.js";
