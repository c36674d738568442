/** The interface lives in core so that the router can take a user's scorer without importing policies. */
export type { DifficultyScorer } from "../../src/core/index.js";
