/** Checks for option values that have a format of their own (URLs, header names). */

const DATABASE_URL_FORMAT = "postgresql://user@host:5432/database";

/** A PostgreSQL URL without a password: generated files must never carry a secret. */
export function checkDatabaseUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `--database-url must look like ${DATABASE_URL_FORMAT} (got an unparsable URL).`;
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    return `--database-url must start with postgresql:// or postgres:// (got "${url.protocol}//").`;
  }
  if (url.hostname === "") return `--database-url must name a host, e.g. ${DATABASE_URL_FORMAT}.`;
  if (url.password !== "") {
    return "--database-url must not contain a password: it is written into generated files. Set the full URL in the DATABASE_URL environment variable instead.";
  }
  return undefined;
}

// RFC 9110 token characters.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function checkHeaderName(value: string): string | undefined {
  return HEADER_NAME.test(value)
    ? undefined
    : `--user-header must be an HTTP header name: letters, digits and !#$%&'*+.^_\`|~- (got ${JSON.stringify(value)}).`;
}

// Claim names as identity providers use them: sub, email, oid, https://example.com/user_id.
const CLAIM_NAME = /^[A-Za-z0-9_.:/-]+$/;

export function checkClaimName(value: string): string | undefined {
  return CLAIM_NAME.test(value)
    ? undefined
    : `--jwt-user-claim must be a claim name: letters, digits and _.:/- (got ${JSON.stringify(value)}).`;
}

/** An http(s) URL, e.g. an OpenAI-compatible endpoint. */
export function checkHttpUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `--base-url must be an http:// or https:// URL (got ${JSON.stringify(value)}).`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `--base-url must be an http:// or https:// URL (got ${JSON.stringify(value)}).`;
  }
  if (url.password !== "" || url.username !== "") return "--base-url must not contain credentials; use --api-key-env.";
  return undefined;
}

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkEnvVarName(value: string): string | undefined {
  return ENV_VAR_NAME.test(value)
    ? undefined
    : `--api-key-env must be an environment variable name: letters, digits and _, not starting with a digit (got ${JSON.stringify(value)}).`;
}

// Every model name seen in the wild fits this (vendor/model:tag@version, ARNs, paths).
const MODEL_NAME = /^[A-Za-z0-9._:/@+=~-]+$/;

export function checkModelName(value: string): string | undefined {
  return MODEL_NAME.test(value)
    ? undefined
    : `--model must be a model name of letters, digits and . _ : / @ + = ~ - (got ${JSON.stringify(value)}).`;
}
