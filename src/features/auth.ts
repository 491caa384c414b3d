/** Request authentication: where the user id every store query is scoped by comes from. */
import type { Feature, FeatureSelection } from "./types.js";

type AuthMode = "none" | "header" | "jwt";

const byMode: Record<AuthMode, Omit<FeatureSelection, "context">> = {
  none: { files: [] },
  header: { files: ["tests/test_auth.py"] },
  // Bearer tokens verified in the server; `tests/tokens.py` mints them for the tests.
  jwt: {
    files: ["app/auth_jwt.py", "tests/tokens.py", "tests/test_auth_jwt.py"],
    runtimeDependencies: ["pyjwt[crypto]"],
  },
};

export const authFeature: Feature = {
  id: "auth",
  claims: [...new Set(Object.values(byMode).flatMap((mode) => mode.files))],
  select: (answers) => ({
    ...byMode[answers.auth],
    context: { auth: { none: answers.auth === "none", header: answers.auth === "header", jwt: answers.auth === "jwt" } },
  }),
};
