/** Store backend: which store module and persistence tests the project gets. */
import type { StoreKind } from "../options/schema.js";
import type { Feature, FeatureSelection } from "./types.js";

const byStore: Record<StoreKind, Omit<FeatureSelection, "context">> = {
  sqlite: {
    files: ["app/store/sqlite.py", "tests/test_persistence.py"],
    runtimeDependencies: ["aiosqlite"],
  },
  memory: { files: ["app/store/memory.py"] },
  postgres: {
    files: ["app/store/postgres.py", "tests/test_persistence.py"],
    runtimeDependencies: ["asyncpg"],
  },
};

export const storeFeature: Feature = {
  id: "store",
  claims: [...new Set(Object.values(byStore).flatMap((s) => s.files))],
  select: (answers) => ({
    ...byStore[answers.store],
    context: {
      store: {
        sqlite: answers.store === "sqlite",
        memory: answers.store === "memory",
        postgres: answers.store === "postgres",
      },
    },
  }),
};
