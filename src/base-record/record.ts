/**
 * The base record: what `update` merges user edits against, kept in the project so that the
 * merge is exact without git, without network and after the CLI itself was upgraded.
 *
 * File: `.chatkit-server/base.json.gz`, gzip of UTF-8 JSON (keys in this order, paths sorted):
 *
 *   {
 *     "format": 1,
 *     "generator": "create-chatkit-server",
 *     "generatorVersion": "0.1.0",                         // CLI that rendered these files
 *     "project": { "name": "my-bot", "distributionName": "my-bot" },
 *     "answers": { "store": "sqlite", ... },               // the answers they were rendered with
 *     "userOwned": ["app/tools.py"],                       // user-owned paths handed over so far
 *     "files": { "app/agent.py": "...text...", ... },     // path -> exact text (UTF-8)
 *     "binaryFiles": { "logo.png": "...base64..." }        // path -> bytes, for non-UTF-8 files
 *   }
 *
 * `files` holds every rendered file except `.chatkit-server.json` (always rewritten from the
 * answers) and user-owned files (never merged). It is always the render itself, not the merge
 * result: after a conflicted update, the next update merges against what was generated.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { constants, gunzipSync, gzipSync } from "node:zlib";
import { asText, toBytes } from "../bytes.js";
import { UserError } from "../errors.js";
import type { AnswerValue } from "../options/types.js";
import { PACKAGE_NAME } from "../package-info.js";
import { PROJECT_CONFIG_FILE } from "../project-config.js";
import { isUserOwned } from "./user-owned.js";

export const BASE_RECORD_FILE = ".chatkit-server/base.json.gz";
export const BASE_RECORD_FORMAT = 1;

export interface ProjectNames {
  /** Folder name at generation time, e.g. "My Bot". */
  name: string;
  /** Normalised Python project name, e.g. "my-bot". */
  distributionName: string;
}

export interface BaseRecord {
  generatorVersion: string;
  project: ProjectNames;
  answers: Readonly<Record<string, AnswerValue>>;
  userOwned: readonly string[];
  /** Path -> exact bytes, sorted by path. */
  files: ReadonlyMap<string, Uint8Array>;
}

const encoder = new TextEncoder();

/** True for the files the record tracks (everything rendered but the config and user-owned files). */
export function isTracked(path: string): boolean {
  return path !== PROJECT_CONFIG_FILE && path !== BASE_RECORD_FILE && !isUserOwned(path);
}

export function baseRecordFor(input: {
  files: ReadonlyMap<string, string | Uint8Array>;
  answers: Readonly<Record<string, AnswerValue>>;
  project: ProjectNames;
  generatorVersion: string;
  /** User-owned paths handed over before this render (kept: once the user's, always the user's). */
  previousUserOwned?: readonly string[];
}): BaseRecord {
  const files = new Map<string, Uint8Array>();
  const userOwned = new Set(input.previousUserOwned ?? []);
  for (const path of [...input.files.keys()].sort()) {
    if (isUserOwned(path)) userOwned.add(path);
    else if (isTracked(path)) files.set(path, toBytes(input.files.get(path) as string | Uint8Array));
  }
  return {
    generatorVersion: input.generatorVersion,
    project: { name: input.project.name, distributionName: input.project.distributionName },
    answers: { ...input.answers },
    userOwned: [...userOwned].sort(),
    files,
  };
}

function toJson(record: BaseRecord): string {
  const files: Record<string, string> = {};
  const binaryFiles: Record<string, string> = {};
  for (const [path, bytes] of record.files) {
    const text = asText(bytes);
    if (text === undefined) binaryFiles[path] = Buffer.from(bytes).toString("base64");
    else files[path] = text;
  }
  return JSON.stringify({
    format: BASE_RECORD_FORMAT,
    generator: PACKAGE_NAME,
    generatorVersion: record.generatorVersion,
    project: record.project,
    answers: record.answers,
    userOwned: record.userOwned,
    files,
    binaryFiles,
  });
}

export function encodeBaseRecord(record: BaseRecord): Uint8Array {
  // zlib's fastest level: a fifth larger than the default level's output (27 kB against
  // 22 kB for a typical project) in half the time, and this runs on every create.
  return new Uint8Array(gzipSync(toJson(record), { level: constants.Z_BEST_SPEED }));
}

/** Equal content (compared decoded, so a different zlib build never counts as a change). */
export function sameBaseRecord(a: BaseRecord, b: BaseRecord): boolean {
  return toJson(a) === toJson(b);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isStringMap = (value: unknown): value is Record<string, string> =>
  isRecord(value) && Object.values(value).every((v) => typeof v === "string");

/** Why the record cannot be used, or how to proceed. */
export class BaseRecordError extends UserError {
  override name = "BaseRecordError";
}

export function wayForward(dir: string): string {
  const shown = dir === "." ? "" : ` ${dir}`;
  return (
    `Restore it from version control (e.g. \`git checkout -- ${BASE_RECORD_FILE}\`), or run ` +
    `\`create-chatkit-server update${shown} --reset-base\` to record what your current settings generate as the new base ` +
    "(no other file is touched; later updates then treat every difference from that render as your own edit)."
  );
}

export function decodeBaseRecord(data: Uint8Array, shownDir: string): BaseRecord {
  const fail = (detail: string): never => {
    throw new BaseRecordError(`${BASE_RECORD_FILE} is damaged: ${detail}. It holds the files as last generated, which update merges your edits against. ${wayForward(shownDir)}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(gunzipSync(data).toString("utf8"));
  } catch (error) {
    return fail(`it is not gzip-compressed JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) return fail("expected a JSON object");
  if (parsed.format !== BASE_RECORD_FORMAT) return fail(`unknown format ${JSON.stringify(parsed.format)} (expected ${BASE_RECORD_FORMAT})`);
  if (parsed.generator !== PACKAGE_NAME) return fail(`"generator" must be "${PACKAGE_NAME}"`);
  if (typeof parsed.generatorVersion !== "string") return fail(`"generatorVersion" must be a string`);
  const project = parsed.project;
  if (!isRecord(project) || typeof project.name !== "string" || typeof project.distributionName !== "string") {
    return fail(`"project" must have "name" and "distributionName" strings`);
  }
  const answers = parsed.answers;
  if (!isRecord(answers) || !Object.values(answers).every((v) => v === null || ["string", "number", "boolean"].includes(typeof v))) {
    return fail(`"answers" must map option ids to values`);
  }
  const userOwned = parsed.userOwned;
  if (!Array.isArray(userOwned) || !userOwned.every((p) => typeof p === "string")) return fail(`"userOwned" must be a list of paths`);
  if (!isStringMap(parsed.files)) return fail(`"files" must map paths to text`);
  if (!isStringMap(parsed.binaryFiles)) return fail(`"binaryFiles" must map paths to base64 text`);

  const files = new Map<string, Uint8Array>();
  for (const [path, text] of Object.entries(parsed.files)) files.set(path, encoder.encode(text));
  for (const [path, base64] of Object.entries(parsed.binaryFiles)) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) fail(`"binaryFiles.${path}" is not base64`);
    files.set(path, new Uint8Array(Buffer.from(base64, "base64")));
  }
  for (const path of files.keys()) {
    if (path === "" || path.startsWith("/") || path.split("/").some((part) => part === ".." || part === "." || part === "")) {
      fail(`invalid path ${JSON.stringify(path)}`);
    }
  }
  return {
    generatorVersion: parsed.generatorVersion,
    project: { name: project.name, distributionName: project.distributionName },
    answers: answers as Record<string, AnswerValue>,
    userOwned: [...(userOwned as string[])].sort(),
    files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/** Reads `<dir>/.chatkit-server/base.json.gz`; a missing record is a BaseRecordError with the way forward. */
export async function readBaseRecord(dir: string, shownDir: string): Promise<BaseRecord> {
  let data: Uint8Array;
  try {
    data = await readFile(join(dir, BASE_RECORD_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new BaseRecordError(
      `${BASE_RECORD_FILE} is missing. It holds the files as last generated, which update merges your edits against ` +
        `(a project generated before update existed has none). ${wayForward(shownDir)}`,
    );
  }
  return decodeBaseRecord(data, shownDir);
}
