import fc from "fast-check";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { applyEdits } from "../../../src/proposer/llm/apply-edits.ts";
import type { Edit } from "../../../src/proposer/llm/edits.ts";

const EDITABLE = ["train.py", "src/model.py", "src/ünï/çødé.py", "src/new.py", "notes.txt"];
const LOCKED = ["prepare.py", "src/locked/data.py", "locked.txt"];
const HOSTILE = [
  ".github/workflows/x.yml",
  ".GITHUB/workflows/x.yml",
  "../x",
  "src/../../x",
  "/etc/passwd",
  "a//b",
  "a\\b",
  "./x",
  "x/",
  "",
  "a\u0000b.py",
  "train.py\u0000",
  ".git/hooks/pre-commit",
];

const files: ReadonlyMap<string, string> = new Map([
  ["train.py", "import torch\n\nLR = 0.04\nSTEPS = 10\n\ndef main():\n    return LR\n"],
  ["src/model.py", "class Model:\n    width = 64\n    depth = 4\n"],
  ["src/ünï/çødé.py", "π = 3.14\r\nτ = 2 * π\r\n"],
  // Files the caller would never pass, but if it did they must still not change.
  ["prepare.py", "DATA = 'x'\n"],
  ["locked.txt", "keep\n"],
]);

const editable = picomatch(["**/*.py", "**/*.txt", "**/*.yml", "**"], { dot: true });
const locked = picomatch(LOCKED, { dot: true });
const scopes = [
  { name: "globs", isEditable: (p: string) => editable(p) && !locked(p) },
  { name: "list", isEditable: (p: string) => EDITABLE.includes(p) },
  { name: "everything", isEditable: () => true },
];

/** The path rules, written independently of the implementation. */
function obeysRules(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || path.includes("\u0000")) {
    return false;
  }
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "..")) return false;
  return !/^\.github$/i.test(segments[0] ?? "");
}

const segment = fc.oneof(
  fc.constantFrom(
    "src",
    "a",
    "..",
    ".",
    "",
    ".github",
    ".Github",
    ".git",
    "x.py",
    "ß",
    "\\",
    "\u0000",
  ),
  fc.string({ maxLength: 4 }),
);
const path = fc.oneof(
  { arbitrary: fc.constantFrom(...EDITABLE), weight: 4 },
  { arbitrary: fc.constantFrom(...LOCKED), weight: 1 },
  { arbitrary: fc.constantFrom(...HOSTILE), weight: 3 },
  {
    arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/")),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }), weight: 1 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 12 }), weight: 1 },
);
const text = fc.oneof(
  fc.constantFrom("LR = 0.04", "width = 64", "π = 3.14", "keep", "DATA = 'x'", "return LR", ""),
  fc.string({ maxLength: 20 }),
);
// Whole-file edits always apply, so whether they come through depends on the path alone.
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { arbitrary: fc.record({ path, content: text }), weight: 3 },
  { arbitrary: fc.record({ path, search: text, replace: text }), weight: 1 },
);

describe("applyEdits keeps every change in scope", () => {
  it("never lets a path outside the rules or the scope out, nor accepts a proposal that has one", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...scopes),
        (edits, scope) => {
          const result = applyEdits(files, edits, scope);
          const outside = edits.some((e) => !obeysRules(e.path) || !scope.isEditable(e.path));
          if (!result.ok) return;
          accepted += 1;
          expect(outside).toBe(false);
          for (const [p, content] of result.changed) {
            expect(obeysRules(p)).toBe(true);
            expect(scope.isEditable(p)).toBe(true);
            expect(edits.some((e) => e.path === p)).toBe(true);
            expect(files.get(p)).not.toBe(content);
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The property means little unless a fair share of proposals do get through.
    expect(accepted).toBeGreaterThan(100);
  });
});
