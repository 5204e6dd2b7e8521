import { describe, expect, it } from "vitest";
import {
  parseMetrics,
  parseMetricsJson,
  parseSummaryBlock,
} from "../../src/runner/parse-metrics.ts";

const AUTORESEARCH = `step 00953 (100.0%) | loss: 3.1 | dt: 310ms
---
val_bpb:          0.997900
training_seconds: 300.1
total_seconds:    325.9
peak_vram_mb:     45060.2
mfu_percent:      39.80
num_steps:        953
`;

describe("parseSummaryBlock", () => {
  it("reads autoresearch's summary", () => {
    const report = parseSummaryBlock(AUTORESEARCH);
    expect(report).toEqual({
      ok: true,
      source: "summary",
      nonFinite: {},
      metrics: {
        val_bpb: 0.9979,
        training_seconds: 300.1,
        total_seconds: 325.9,
        peak_vram_mb: 45060.2,
        mfu_percent: 39.8,
        num_steps: 953,
      },
    });
  });

  it("takes the last block and stops at the first line that is not name: number", () => {
    const out = "---\nval_bpb: 2\n---\nval_bpb: 1.5\nloss: 1e-3\nnote: fine\nlater: 4\n";
    expect(parseSummaryBlock(out)).toMatchObject({ metrics: { val_bpb: 1.5, loss: 0.001 } });
  });

  it("ignores a trailing --- with nothing after it, and CRLF line ends", () => {
    expect(parseSummaryBlock("---\r\nval_bpb: 0.9\r\n---\r\n")).toMatchObject({
      metrics: { val_bpb: 0.9 },
    });
  });

  it("needs a line that is exactly ---", () => {
    expect(parseSummaryBlock("----\nval_bpb: 1\n--- x\nval_bpb: 2\n")).toMatchObject({
      source: "none",
      metrics: {},
    });
  });

  it("sets NaN and infinities apart", () => {
    const report = parseSummaryBlock("---\nval_bpb: nan\nloss: -inf\nok: 1\n");
    expect(report).toMatchObject({ metrics: { ok: 1 } });
    if (!report.ok) throw new Error("expected ok");
    expect(report.nonFinite.val_bpb).toBeNaN();
    expect(report.nonFinite.loss).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("parseMetricsJson", () => {
  const file = "$AUTOOPT_OUT/metrics.json";

  it("reads an object of numbers", () => {
    expect(parseMetricsJson('{"val_bpb": 0.9, "tokens": 12}', file)).toEqual({
      ok: true,
      source: "metrics.json",
      nonFinite: {},
      metrics: { val_bpb: 0.9, tokens: 12 },
    });
  });

  it.each([
    [
      "[1, 2]",
      'must be a JSON object of metric name → number, e.g. {"val_bpb": 0.99}; it is an array',
    ],
    ["null", "it is null"],
    ['{"val_bpb": "0.9"}', 'metric "val_bpb" is "0.9", not a number'],
    ['{"val_bpb": null}', 'metric "val_bpb" is null, not a number'],
    ["{val_bpb: 1}", "is not valid JSON"],
    ['{"val_bpb": NaN}', "metric val_bpb is NaN in $AUTOOPT_OUT/metrics.json"],
  ])("rejects %s", (text, message) => {
    const report = parseMetricsJson(text, file);
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect(report.reason).toContain(message);
    expect(report.reason).toContain(file);
  });

  it("keeps names like __proto__ as plain data", () => {
    const report = parseMetricsJson('{"__proto__": 1, "val_bpb": 2}', file);
    expect(report.ok && Object.getPrototypeOf(report.metrics)).toBe(Object.prototype);
    expect(report.ok && Object.keys(report.metrics)).toEqual(["__proto__", "val_bpb"]);
  });
});

describe("parseMetrics", () => {
  it("prefers metrics.json over stdout when the file exists", () => {
    expect(parseMetrics("---\nval_bpb: 5\n", '{"val_bpb": 1}')).toMatchObject({
      metrics: { val_bpb: 1 },
    });
    expect(parseMetrics("---\nval_bpb: 5\n", undefined)).toMatchObject({ metrics: { val_bpb: 5 } });
  });
});
