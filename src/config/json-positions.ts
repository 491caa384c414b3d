/**
 * Positions in JSON text, which JSON.parse on Node 20 often does not give ("Unexpected token
 * '}', ... is not valid JSON"): the offset of the first syntax error, and the offsets of the
 * keys of the top-level object, so config file errors can say line:column.
 *
 * A strict RFC 8259 scanner: it accepts what JSON.parse accepts, except a key given twice in
 * the top-level object (JSON.parse keeps the last silently) and nesting deeper than 200.
 */

export type JsonScan =
  | { ok: true; keys: ReadonlyMap<string, number> }
  | { ok: false; offset: number; message: string };

const MAX_DEPTH = 200;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

export function scanJson(text: string): JsonScan {
  let i = 0;
  const keys = new Map<string, number>();
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const found = () => (i >= text.length ? "the end of the file" : JSON.stringify(text[i]));
  const skipSpace = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };

  const readString = (): string => {
    const start = i;
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) return fail("a string is not closed", start);
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (code < 0x20) fail("a string contains a line break or control character (write it as \\n or \\u00XX)");
      if (code !== 0x5c) {
        i++;
        continue;
      }
      const escape = text[i + 1];
      if (escape === "u" && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
      else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) i += 2;
      else fail("a string has an invalid backslash escape");
    }
  };

  const readValue = (depth: number): void => {
    skipSpace();
    if (depth > MAX_DEPTH) fail(`values are nested more than ${MAX_DEPTH} deep`);
    const c = text[i];
    if (c === "{") {
      i++;
      skipSpace();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a key in double quotes, found ${found()}`);
        const at = i;
        const key = readString();
        if (depth === 0) {
          if (keys.has(key)) fail(`the key ${JSON.stringify(key)} is given twice`, at);
          keys.set(key, at);
        }
        skipSpace();
        if (text[i] !== ":") fail(`expected ":" after the key ${JSON.stringify(key)}, found ${found()}`);
        i++;
        readValue(depth + 1);
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail(`expected "," or "}", found ${found()}`);
      }
    }
    if (c === "[") {
      i++;
      skipSpace();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        readValue(depth + 1);
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail(`expected "," or "]", found ${found()}`);
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number !== null) {
      i += number[0].length;
      return;
    }
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail(`expected a value, found ${found()}`);
  };

  try {
    readValue(0);
    skipSpace();
    if (i < text.length) fail(`expected the end of the file after the value, found ${found()}`);
    return { ok: true, keys };
  } catch (error) {
    if (error instanceof Stop) return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}
