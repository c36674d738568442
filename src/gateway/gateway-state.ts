import type { GatewaySettings } from "../config/index.js";
import type { KeyLimits } from "./key-limits.js";
import type { KeyRing } from "./virtual-keys.js";

/** What one loaded policy gives the gateway; swapped whole on reload (calls in flight keep theirs). */
export interface GatewayState {
  settings: GatewaySettings;
  keys: KeyRing;
  limits: KeyLimits;
  /** The policy's routes: what `model` may name. */
  routes: readonly string[];
}
