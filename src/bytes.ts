/** File contents as bytes: conversion, comparison, and telling text from binary. */

const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });

export const toBytes = (contents: string | Uint8Array): Uint8Array =>
  typeof contents === "string" ? encoder.encode(contents) : contents;

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** The text of `bytes` when they are UTF-8 without NUL bytes; undefined for binary content. */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
