/** A module-level numeric constant such as autoresearch's `DEPTH = 8` or `MATRIX_LR = 0.04`. */
export interface Constant {
  file: string;
  name: string;
  /** 0-based line index. */
  line: number;
  text: string;
  value: number;
  integer: boolean;
}

const NUMBER = String.raw`[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
// Python `NAME = 1`, `NAME: float = 1.5`; JS/TS `const NAME = 1;`, `export const NAME = 1;`. Unindented only.
const ASSIGNMENT = new RegExp(
  String.raw`^((?:export\s+)?(?:const\s+|let\s+|var\s+)?)([A-Z][A-Z0-9_]*)(\s*(?::\s*[A-Za-z_][\w.]*\s*)?=\s*)(${NUMBER})(\s*;?\s*(?:(?:#|//).*)?)$`,
);

/** Finds tunable constants, one assignment per line, in the order they appear. */
export function findConstants(file: string, source: string): Constant[] {
  const found: Constant[] = [];
  const seen = new Set<string>();
  source.split("\n").forEach((lineText, line) => {
    const m = ASSIGNMENT.exec(lineText.replace(/\r$/, ""));
    const name = m?.[2];
    const text = m?.[4];
    if (!name || !text || seen.has(name)) return;
    const value = Number(text.replaceAll("_", ""));
    if (!Number.isFinite(value)) return;
    seen.add(name);
    found.push({ file, name, line, text, value, integer: /^[-+]?[\d_]+$/.test(text) });
  });
  return found;
}

/** The source with one constant's value replaced; everything else byte for byte the same. */
export function setConstant(source: string, constant: Constant, value: number): string {
  const lines = source.split("\n");
  const original = lines[constant.line];
  const m = original === undefined ? null : ASSIGNMENT.exec(original.replace(/\r$/, ""));
  if (!m || m[2] !== constant.name) {
    throw new Error(`${constant.file}:${constant.line + 1} no longer assigns ${constant.name}`);
  }
  const cr = original?.endsWith("\r") ? "\r" : "";
  lines[constant.line] = `${m[1]}${m[2]}${m[3]}${formatNumber(value, constant)}${m[5]}${cr}`;
  return lines.join("\n");
}

/** Writes a value in the constant's own style: integers stay integers, floats keep ~4 significant digits. */
export function formatNumber(value: number, like: Pick<Constant, "integer" | "text">): string {
  if (like.integer) return String(Math.round(value));
  const useExp =
    /e/i.test(like.text) || (value !== 0 && (Math.abs(value) < 1e-4 || Math.abs(value) >= 1e6));
  // More digits only when rounding would carry a fraction onto 1 (a decay of 0.99997 is not 1.0,
  // and at 1.0 the search would stop treating it as a fraction).
  const fraction = value > 0 && value < 1;
  for (let extra = 0; ; extra++) {
    const text = useExp ? exponent(value, 2 + extra) : plain(value, 4 + extra);
    if (!fraction || Number(text) < 1 || extra >= 14) return text;
  }
}

function exponent(value: number, digits: number): string {
  return value
    .toExponential(digits)
    .replace(/\.?0+e/, "e")
    .replace("e+", "e");
}

function plain(value: number, digits: number): string {
  const text = String(Number(value.toPrecision(digits)));
  return text.includes(".") || text.includes("e") ? text : `${text}.0`;
}
