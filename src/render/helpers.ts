/**
 * Handlebars helpers available to every template. Templates are rendered with
 * `noEscape: true`, so any user text placed inside code MUST go through one of these.
 *
 *   {{py answers.instructions}}   -> a Python string literal
 *   {{toml distributionName}}     -> a TOML basic string
 *   {{json answers}}              -> JSON.stringify
 *   {{html projectName}}          -> text escaped for HTML
 *   {{#if (eq answers.store "sqlite")}} ... {{/if}}
 */

const hex2 = (code: number) => `\\x${code.toString(16).padStart(2, "0")}`;
const hex4 = (code: number) => `\\u${code.toString(16).padStart(4, "0")}`;

const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f);

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/**
 * A Python string literal whose value is exactly `value`. Quote choice follows ruff format
 * (and black): double quotes unless single quotes need fewer escapes, so `ruff format`
 * leaves the generated code alone. Escapes: backslash, the chosen quote, \n \r \t,
 * other control characters as \xNN (lowercase hex, as ruff normalises), lone
 * surrogates as \uNNNN; all other Unicode is written as is.
 */
export function pythonString(value: string): string {
  const quote = count(value, '"') > count(value, "'") ? "'" : '"';
  let out = "";
  // Iterate by UTF-16 code unit so lone surrogates are seen; valid pairs are kept together.
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i] as string;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2);
        i++;
      } else {
        out += hex4(code);
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += hex4(code);
    } else if (char === "\\") out += "\\\\";
    else if (char === quote) out += `\\${quote}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (isControl(code)) out += hex2(code);
    else out += char;
  }
  return `${quote}${out}${quote}`;
}

const TOML_ESCAPES: Record<string, string> = {
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
  '"': '\\"',
  "\\": "\\\\",
};

/** A TOML basic string ("..."). TOML cannot hold lone surrogates: those throw. */
export function tomlString(value: string): string {
  if (/[\ud800-\udfff]/u.test(value)) throw new Error(`Cannot write a lone surrogate in TOML: ${JSON.stringify(value)}`);
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    const escape = TOML_ESCAPES[char];
    if (escape !== undefined) out += escape;
    else if (code < 0x20 || code === 0x7f) out += hex4(code);
    else out += char;
  }
  return `"${out}"`;
}

/** Registered helper functions, by name. The trailing Handlebars options argument is dropped. */
/** ruff format's default line length. */
const PYTHON_LINE_LENGTH = 88;

/**
 * `from module import a, b` as ruff (isort + format) writes it: names sorted, one line when
 * it fits in 88 characters, else one name per line in parentheses with a trailing comma.
 * Lets a template assemble an import from optional names without breaking lint or format.
 */
export function pythonImport(module: string, names: readonly string[]): string {
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const line = `from ${module} import ${sorted.join(", ")}`;
  if (line.length <= PYTHON_LINE_LENGTH) return line;
  return `from ${module} import (\n${sorted.map((name) => `    ${name},\n`).join("")})`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside an HTML element or a quoted attribute. */
export function htmlText(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

export const templateHelpers = {
  py: (value: unknown) => pythonString(requireString("py", value)),
  toml: (value: unknown) => tomlString(requireString("toml", value)),
  json: (value: unknown) => JSON.stringify(value),
  html: (value: unknown) => htmlText(requireString("html", value)),
  eq: (a: unknown, b: unknown) => a === b,
  // Handlebars passes its options object last: only the arguments before it count.
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  pyImport: (module: unknown, names: unknown) => {
    if (!Array.isArray(names) || !names.every((name) => typeof name === "string")) {
      throw new Error("The {{pyImport}} helper needs a list of names.");
    }
    return pythonImport(requireString("pyImport", module), names);
  },
} as const;

function requireString(helper: string, value: unknown): string {
  if (typeof value !== "string") throw new Error(`The {{${helper}}} helper needs a string, got ${typeof value}.`);
  return value;
}
