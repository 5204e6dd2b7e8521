import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Constant,
  findConstants,
  formatNumber,
  setConstant,
} from "../../../src/proposer/search/constants.ts";

const TRAIN_PY = `"""Pretraining script, autoresearch style."""
import torch

DEPTH = 8
MATRIX_LR = 0.04
TOTAL_BATCH_SIZE = 2**19
WARMUP_RATIO = 0.0
WEIGHT_DECAY = 0.2  # comment
EMBED_LR: float = 0.6
BIG = 150_000
EPS = 1e-8
x = 3

def train():
    INNER = 5
    for step in range(DEPTH):
        LR = 0.1
    return MATRIX_LR
`;

const TRAIN_LINES = TRAIN_PY.split("\n");

function constant(file: string, source: string, name: string): Constant {
  const found = findConstants(file, source).find((c) => c.name === name);
  if (!found) throw new Error(`${name} not found`);
  return found;
}

/** Indices of the lines that differ between two texts with the same number of lines. */
function changedLines(a: string, b: string, separator = "\n"): number[] {
  const before = a.split(separator);
  const after = b.split(separator);
  expect(after).toHaveLength(before.length);
  return before.flatMap((line, i) => (line === after[i] ? [] : [i]));
}

describe("findConstants", () => {
  it("finds plain module-level numeric assignments of an autoresearch-like train.py, in order", () => {
    expect(findConstants("train.py", TRAIN_PY)).toEqual([
      { file: "train.py", name: "DEPTH", line: 3, text: "8", value: 8, integer: true },
      { file: "train.py", name: "MATRIX_LR", line: 4, text: "0.04", value: 0.04, integer: false },
      { file: "train.py", name: "WARMUP_RATIO", line: 6, text: "0.0", value: 0, integer: false },
      { file: "train.py", name: "WEIGHT_DECAY", line: 7, text: "0.2", value: 0.2, integer: false },
      { file: "train.py", name: "EMBED_LR", line: 8, text: "0.6", value: 0.6, integer: false },
      { file: "train.py", name: "BIG", line: 9, text: "150_000", value: 150000, integer: true },
      { file: "train.py", name: "EPS", line: 10, text: "1e-8", value: 1e-8, integer: false },
    ]);
  });

  it("skips expressions, lowercase names and indented assignments", () => {
    const names = findConstants("train.py", TRAIN_PY).map((c) => c.name);
    expect(names).not.toContain("TOTAL_BATCH_SIZE"); // 2**19 is not a plain number
    expect(names).not.toContain("INNER");
    expect(names).not.toContain("LR");
    expect(names).not.toContain("x");
    expect(
      findConstants(
        "a.py",
        "A = 1 + 2\nB = foo(3)\nC = '4'\nD = [5]\nE = True\nF = 6 if x else 7\n",
      ),
    ).toEqual([]);
  });

  it("reads TypeScript and JavaScript constants", () => {
    const source =
      "export const LR = 0.1;\nconst STEPS = 100; // why\nlet WARMUP = 5\nconst lower = 1;\n  const INDENTED = 2;\n";
    expect(findConstants("config.ts", source)).toEqual([
      { file: "config.ts", name: "LR", line: 0, text: "0.1", value: 0.1, integer: false },
      { file: "config.ts", name: "STEPS", line: 1, text: "100", value: 100, integer: true },
      { file: "config.ts", name: "WARMUP", line: 2, text: "5", value: 5, integer: true },
    ]);
  });

  it("reads negative numbers, and a name assigned twice only where it is first assigned", () => {
    expect(findConstants("a.py", "SHIFT = -3\nBETA = -0.5\nSHIFT = 4\n")).toEqual([
      { file: "a.py", name: "SHIFT", line: 0, text: "-3", value: -3, integer: true },
      { file: "a.py", name: "BETA", line: 1, text: "-0.5", value: -0.5, integer: false },
    ]);
  });

  it("reads CRLF files the same way", () => {
    const crlf = TRAIN_PY.replaceAll("\n", "\r\n");
    expect(findConstants("train.py", crlf)).toEqual(findConstants("train.py", TRAIN_PY));
  });
});

describe("setConstant", () => {
  it("changes exactly the constant's line and is a pure string → string edit", () => {
    const depth = constant("train.py", TRAIN_PY, "DEPTH");
    const snapshot = structuredClone(depth);
    const out = setConstant(TRAIN_PY, depth, 12);
    expect(changedLines(TRAIN_PY, out)).toEqual([3]);
    expect(out.split("\n")[3]).toBe("DEPTH = 12");
    expect(depth).toEqual(snapshot);
    expect(setConstant(TRAIN_PY, depth, 12)).toBe(out);
    expect(findConstants("train.py", out).find((c) => c.name === "DEPTH")?.value).toBe(12);
  });

  it("keeps comments, type annotations and the constant's number style", () => {
    const decay = setConstant(TRAIN_PY, constant("train.py", TRAIN_PY, "WEIGHT_DECAY"), 0.3);
    expect(decay.split("\n")[7]).toBe("WEIGHT_DECAY = 0.3  # comment");
    const embed = setConstant(TRAIN_PY, constant("train.py", TRAIN_PY, "EMBED_LR"), 0.9);
    expect(embed.split("\n")[8]).toBe("EMBED_LR: float = 0.9");
    const eps = setConstant(TRAIN_PY, constant("train.py", TRAIN_PY, "EPS"), 1.5e-8);
    expect(eps.split("\n")[10]).toBe("EPS = 1.5e-8");
    const warmup = setConstant(TRAIN_PY, constant("train.py", TRAIN_PY, "WARMUP_RATIO"), 1);
    expect(warmup.split("\n")[6]).toBe("WARMUP_RATIO = 1.0");
    const big = setConstant(TRAIN_PY, constant("train.py", TRAIN_PY, "BIG"), 225000.4);
    expect(big.split("\n")[9]).toBe("BIG = 225000");
  });

  it("keeps the semicolon and comment of a TypeScript constant", () => {
    const source = "export const LR = 0.1; // tuned\nexport const OTHER = 2;\n";
    expect(setConstant(source, constant("c.ts", source, "LR"), 0.2)).toBe(
      "export const LR = 0.2; // tuned\nexport const OTHER = 2;\n",
    );
  });

  it("keeps CRLF line endings on every line", () => {
    const crlf = TRAIN_PY.replaceAll("\n", "\r\n");
    const out = setConstant(crlf, constant("train.py", crlf, "MATRIX_LR"), 0.06);
    expect(changedLines(crlf, out, "\r\n")).toEqual([4]);
    expect(out).toBe(crlf.replace("MATRIX_LR = 0.04\r\n", "MATRIX_LR = 0.06\r\n"));
    expect(out.split("\r\n")).toHaveLength(TRAIN_LINES.length);
  });

  it("refuses a constant whose line no longer assigns it, naming file and line", () => {
    const depth = constant("train.py", TRAIN_PY, "DEPTH");
    const moved = TRAIN_PY.replace("DEPTH = 8\n", "");
    expect(() => setConstant(moved, depth, 12)).toThrow("train.py:4 no longer assigns DEPTH");
    expect(() => setConstant("", depth, 12)).toThrow(/no longer assigns DEPTH/);
  });

  it("any value written back is read again as (nearly) that value, by property", () => {
    const source = "A = 0.5\nB = 3\nC = 1e-3\n";
    const [a, b, c] = findConstants("p.py", source);
    if (!a || !b || !c) throw new Error("fixture");
    const value = fc.double({ min: -1e12, max: 1e12, noNaN: true });
    fc.assert(
      fc.property(value, fc.constantFrom(a, b, c), (v, target) => {
        const out = setConstant(source, target, v);
        const again = findConstants("p.py", out);
        expect(again.map((k) => k.name)).toEqual(["A", "B", "C"]);
        const read = again.find((k) => k.name === target.name);
        expect(read?.integer).toBe(target.integer);
        const want = target.integer ? Math.round(v) : v;
        // Three significant digits at worst (exponent form): within half a percent.
        expect(Math.abs((read?.value ?? Number.NaN) - want)).toBeLessThanOrEqual(
          Math.abs(want) * 5e-3,
        );
      }),
    );
  });
});

describe("formatNumber", () => {
  const float = { integer: false, text: "0.04" };
  const int = { integer: true, text: "8" };

  it("keeps integers integral", () => {
    expect(formatNumber(12, int)).toBe("12");
    expect(formatNumber(12.4, int)).toBe("12");
    expect(formatNumber(12.6, int)).toBe("13");
    expect(formatNumber(-3, int)).toBe("-3");
    expect(formatNumber(225000, { integer: true, text: "150_000" })).toBe("225000");
  });

  it("keeps floats short, and a float stays a float", () => {
    expect(formatNumber(1 / 17, float)).toBe("0.05882");
    expect(formatNumber(0.1 + 0.2, float)).toBe("0.3");
    expect(formatNumber(0.06, float)).toBe("0.06");
    expect(formatNumber(2, float)).toBe("2.0");
    expect(formatNumber(0, float)).toBe("0.0");
    expect(formatNumber(-0.5, float)).toBe("-0.5");
    expect(formatNumber(123.456789, float)).toBe("123.5");
  });

  it("writes exponents for constants written that way, and for very small or large floats", () => {
    const eps = { integer: false, text: "1e-8" };
    expect(formatNumber(1e-8, eps)).toBe("1e-8");
    expect(formatNumber(1.5e-8, eps)).toBe("1.5e-8");
    expect(formatNumber(1.234567e-8, eps)).toBe("1.23e-8");
    expect(formatNumber(0.00001234, float)).toBe("1.23e-5");
    expect(formatNumber(2e6, float)).toBe("2e6");
  });

  it("never rounds a fraction onto 1", () => {
    expect(formatNumber(0.99997, float)).toBe("0.99997");
    expect(formatNumber(0.9999556, float)).toBe("0.99996");
    expect(formatNumber(0.99999994, float)).toBe("0.9999999");
    expect(formatNumber(0.99997, { integer: false, text: "9e-1" })).toBe("9.9997e-1");
    expect(formatNumber(0.99994, float)).toBe("0.9999"); // four digits when they suffice
    fc.assert(
      fc.property(
        fc.double({ min: Number.MIN_VALUE, max: 1, maxExcluded: true, noNaN: true }),
        fc.constantFrom("0.5", "5e-1"),
        (v, text) => {
          const written = Number(formatNumber(v, { integer: false, text }));
          expect(written).toBeGreaterThan(0);
          expect(written).toBeLessThan(1);
        },
      ),
    );
  });

  it("never needs more than a few significant digits", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), (v) => {
        const digits = formatNumber(v, float)
          .replace(/^0\.0*|\.|e.*$/g, "")
          .replace(/^0+/, "");
        expect(digits.replace(/0+$/, "").length).toBeLessThanOrEqual(4);
      }),
    );
  });
});
