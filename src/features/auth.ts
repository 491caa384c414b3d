/** Request authentication: where the user id every store query is scoped by comes from. */
import type { Feature } from "./types.js";

export const authFeature: Feature = {
  id: "auth",
  claims: ["tests/test_auth.py"],
  select: (answers) => ({
    files: answers.auth === "header" ? ["tests/test_auth.py"] : [],
    context: { auth: { none: answers.auth === "none", header: answers.auth === "header" } },
  }),
};
