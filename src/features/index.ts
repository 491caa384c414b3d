/** Registry of features; the renderer applies each of them, in this order. */
import { storeFeature } from "./store.js";
import type { Feature } from "./types.js";

export const features: readonly Feature[] = [storeFeature];

export type { Feature, FeatureContext, FeatureSelection } from "./types.js";
