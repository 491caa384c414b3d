/**
 * Attachments: files and images users attach to messages. `local` keeps the bytes in a
 * directory, `database` in the store's own database; `none` generates none of this code
 * but app/no_attachments.py, which answers attachment requests with a clear 400.
 * The byte storage sits behind one interface (app/attachments/blobs.py), one module per backend.
 */
import type { Feature } from "./types.js";

/** Generated whenever attachments are on, whatever the storage. */
const COMMON_FILES = [
  "app/attachments/__init__.py",
  "app/attachments/blobs.py",
  "app/attachments/cleanup.py",
  "app/attachments/content_checks.py",
  "app/attachments/model_input.py",
  "app/attachments/routes.py",
  "app/attachments/service.py",
  "app/attachments/setup.py",
  "app/attachments/signing.py",
  "tests/test_attachments.py",
  "tests/test_attachment_input.py",
];

const BLOB_FILES = {
  local: "app/attachments/local_blobs.py",
  sqlite: "app/attachments/sqlite_blobs.py",
  postgres: "app/attachments/postgres_blobs.py",
} as const;

const OFF_FILES = ["app/no_attachments.py", "tests/test_uploads_off.py"];

export const attachmentsFeature: Feature = {
  id: "attachments",
  claims: [...COMMON_FILES, ...Object.values(BLOB_FILES), ...OFF_FILES],
  select(answers) {
    const storage = answers.attachments;
    const backend = storage === "none" ? undefined : storage === "local" ? "local" : answers.store === "postgres" ? "postgres" : "sqlite";
    const context = {
      attachments: {
        any: backend !== undefined,
        local: backend === "local",
        database: storage === "database",
        sqlite: backend === "sqlite",
        postgres: backend === "postgres",
      },
    };
    if (backend === undefined) return { files: OFF_FILES, context };
    return { files: [...COMMON_FILES, BLOB_FILES[backend]], context, runtimeDependencies: ["python-multipart"] };
  },
};
