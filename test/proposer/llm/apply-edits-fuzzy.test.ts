import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdits } from "../../../src/proposer/llm/apply-edits.ts";

const scope = { isEditable: () => true };
const indent = fc.constantFrom("", "  ", "    ", "\t", "        ");

const fileAndBlock = fc
  .record({
    words: fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 8 }),
    eol: fc.constantFrom("\n", "\r\n"),
    finalEol: fc.boolean(),
    a: fc.nat(),
    b: fc.nat(),
  })
  .chain(({ words, eol, finalEol, a, b }) => {
    const start = a % words.length;
    const end = start + 1 + (b % (words.length - start));
    return fc.record({
      words: fc.constant(words),
      eol: fc.constant(eol),
      finalEol: fc.constant(finalEol),
      start: fc.constant(start),
      end: fc.constant(end),
      fileIndents: fc.array(indent, { minLength: words.length, maxLength: words.length }),
      searchIndents: fc.array(indent, { minLength: end - start, maxLength: end - start }),
      trailing: fc.array(fc.constantFrom(" ", "  ", "\t"), {
        minLength: end - start,
        maxLength: end - start,
      }),
    });
  });

describe("applyEdits: whitespace-tolerant matching", () => {
  it("finds a block whatever its indentation and trailing spaces, and keeps the file's layout", () => {
    fc.assert(
      fc.property(fileAndBlock, (c) => {
        const lines = c.words.map((w, i) => `${c.fileIndents[i]}${w}`);
        const text = lines.join(c.eol) + (c.finalEol ? c.eol : "");
        const block = c.words.slice(c.start, c.end);
        const search = block.map((w, i) => `${c.searchIndents[i]}${w}${c.trailing[i]}`).join("\n");
        const replace = `${c.searchIndents[0]}MARK\n`;
        const result = applyEdits(
          new Map([["f.txt", text]]),
          [{ path: "f.txt", search, replace }],
          scope,
        );
        const marked = `${c.fileIndents[c.start]}MARK`;
        const want = [...lines.slice(0, c.start), marked, ...lines.slice(c.end)];
        const expected = want.join(c.eol) + (c.finalEol ? c.eol : "");
        if (expected === text) return;
        expect(result).toEqual({ ok: true, changed: new Map([["f.txt", expected]]) });
      }),
      { numRuns: 500 },
    );
  });
});
