/** Registry of features; the renderer applies each of them, in this order. */
import { agentFeature } from "./agent.js";
import { attachmentsFeature } from "./attachments.js";
import { authFeature } from "./auth.js";
import { dictationFeature } from "./dictation.js";
import { frontendFeature } from "./frontend.js";
import { rateLimitsFeature } from "./rate-limits.js";
import { storeFeature } from "./store.js";
import { widgetsFeature } from "./widgets.js";
import type { Feature } from "./types.js";

export const features: readonly Feature[] = [storeFeature, authFeature, agentFeature, attachmentsFeature, widgetsFeature, dictationFeature, rateLimitsFeature, frontendFeature];

export type { Feature, FeatureContext, FeatureSelection } from "./types.js";
