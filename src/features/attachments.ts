/**
 * Attachments: files and images users attach to messages. `local` keeps the bytes in a
 * directory, `database` in the store's own database; `none` generates none of this code.
 * The byte storage sits behind one interface (app/attachments/blobs.py), one module per backend.
 */
import type { Feature } from "./types.js";

/** Generated whenever attachments are on, whatever the storage. */
const COMMON_FILES = [
  "app/attachments/__init__.py",
  "app/attachments/blobs.py",
  "app/attachments/model_input.py",
];

const BLOB_FILES = {
  local: "app/attachments/local_blobs.py",
  sqlite: "app/attachments/sqlite_blobs.py",
  postgres: "app/attachments/postgres_blobs.py",
} as const;

export const attachmentsFeature: Feature = {
  id: "attachments",
  claims: [...COMMON_FILES, ...Object.values(BLOB_FILES)],
  select(answers) {
    const storage = answers.attachments;
    const context = {
      attachments: { any: storage !== "none", local: storage === "local", database: storage === "database" },
    };
    if (storage === "none") return { files: [], context };
    const blobs = storage === "local" ? BLOB_FILES.local : answers.store === "postgres" ? BLOB_FILES.postgres : BLOB_FILES.sqlite;
    return { files: [...COMMON_FILES, blobs], context };
  },
};
