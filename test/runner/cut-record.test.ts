import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutRecord, RecordScanner, SMALL_FIELD_BYTES } from "../../src/runner/cut-record.ts";

/** Feeds `bytes` to a scanner in pieces cut at `cuts` (positions, any order). */
function scan(bytes: Buffer, cuts: number[]) {
  const scanner = new RecordScanner();
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    scanner.feed(bytes.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  scanner.feed(bytes.subarray(at));
  return { result: scanner.finish(), head: scanner.headText() };
}

const record = fc.dictionary(fc.string({ unit: "binary", maxLength: 12 }), fc.jsonValue(), {
  maxKeys: 8,
});
const cuts = fc.array(fc.nat(), { maxLength: 6 });

describe("RecordScanner", () => {
  it("keeps exactly the small top-level fields of any JSON object, however it is cut", () => {
    fc.assert(
      fc.property(record, cuts, fc.boolean(), (object, at, spaced) => {
        const text = spaced ? JSON.stringify(object, null, 1) : JSON.stringify(object);
        const { result, head } = scan(Buffer.from(text), at);
        expect(result.ok).toBe(true);
        const small = Object.entries(object).filter(
          ([k, v]) =>
            Buffer.byteLength(JSON.stringify(k)) <= SMALL_FIELD_BYTES &&
            Buffer.byteLength(JSON.stringify(v)) <= SMALL_FIELD_BYTES,
        );
        const kept = result.ok ? [...result.fields] : [];
        // Spaced JSON holds more bytes than compact, so a field near the limit may drop out.
        if (!spaced) expect(JSON.stringify(kept)).toBe(JSON.stringify(small));
        for (const [k, v] of kept) expect(JSON.stringify(v)).toBe(JSON.stringify(object[k]));
        expect(text.startsWith(head)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("drops fields whose JSON is over the limit, keys included", () => {
    const object = {
      long: "x".repeat(SMALL_FIELD_BYTES),
      edge: "y".repeat(SMALL_FIELD_BYTES - 2),
      [`k${"z".repeat(SMALL_FIELD_BYTES)}`]: 1,
      list: Array.from({ length: 400 }, (_, i) => i),
      task_id: 9,
    };
    const { result } = scan(Buffer.from(JSON.stringify(object)), [7, 1500]);
    expect(result.ok && [...result.fields.keys()]).toEqual(["edge", "task_id"]);
  });

  it("refuses every record cut short", () => {
    fc.assert(
      fc.property(record, fc.nat(), cuts, (object, end, at) => {
        const text = JSON.stringify(object);
        const bytes = Buffer.from(text).subarray(0, end % Buffer.byteLength(text));
        expect(scan(bytes, at).result.ok).toBe(false);
      }),
    );
  });

  it.each([
    ["[1, 2]", "it is not a JSON object"],
    ['{"a": 1} x', "there is more after the record's closing '}'"],
    ['{"a": [1, 2}', "its brackets do not match"],
    ['{"a" 1}', "a ':' is missing after a key"],
    ['{"a": 1 "b": 2}', "a ',' or '}' is missing after a value"],
    ['{"a": tru}', "JSON"],
    ["   ", "it holds no JSON object"],
  ])("explains why %j is not a record", (text, why) => {
    const { result } = scan(Buffer.from(text), []);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(why);
  });

  it("cuts the head at a character boundary", () => {
    const text = `{"p": "${"€".repeat(3000)}"}`;
    const { head } = scan(Buffer.from(text), [4095, 4096]);
    expect(Buffer.byteLength(head)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(head)).toBeGreaterThan(4092);
    expect(head.includes("\uFFFD")).toBe(false);
  });
});

describe("cutRecord", () => {
  it("puts the marker last and replaces a field of the same name", () => {
    const fields = new Map<string, unknown>([
      ["task_id", "q-1"],
      ["truncated", true],
      ["score", 1],
    ]);
    expect(cutRecord(fields, 300_000, '{"task_id"')).toBe(
      '{"task_id":"q-1","score":1,"truncated":{"bytes":300000,"head":"{\\"task_id\\""}}',
    );
  });
});
