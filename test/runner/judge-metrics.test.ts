import { describe, expect, it } from "vitest";
import {
  judgeEvaluatedMetrics,
  judgeRunMetrics,
  requiredMetricNames,
} from "../../src/runner/judge-metrics.ts";
import { type MetricsReport, parseSummaryBlock } from "../../src/runner/parse-metrics.ts";
import { makeConfig } from "./fixtures.ts";

const report = (
  metrics: Record<string, number>,
  nonFinite: Record<string, number> = {},
): MetricsReport => ({
  ok: true,
  metrics,
  nonFinite,
  source: "summary",
});

describe("judgeRunMetrics", () => {
  it("is ok when every objective is there", () => {
    expect(judgeRunMetrics(report({ val_bpb: 1, x: 2 }), ["val_bpb"])).toEqual({
      status: "ok",
      metrics: { val_bpb: 1, x: 2 },
      ignored_metrics: {},
    });
  });

  it("crashes, keeping the other metrics, when the primary is missing", () => {
    expect(judgeRunMetrics(report({ x: 2 }), ["val_bpb"])).toEqual({
      status: "crash",
      reason:
        "the run printed no val_bpb: write $AUTOOPT_OUT/metrics.json or a summary block after a --- line",
      metrics: { x: 2 },
      ignored_metrics: {},
    });
  });

  it("crashes on a NaN objective but drops a NaN side metric", () => {
    expect(judgeRunMetrics(parseSummaryBlock("---\nval_bpb: nan\n"), ["val_bpb"]).reason).toBe(
      "metric val_bpb is NaN",
    );
    expect(judgeRunMetrics(report({ val_bpb: 1 }, { mfu: Number.NaN }), ["val_bpb"])).toMatchObject(
      {
        status: "ok",
        metrics: { val_bpb: 1 },
      },
    );
  });

  it("passes an unreadable report's reason on", () => {
    expect(judgeRunMetrics({ ok: false, reason: "bad file" }, ["val_bpb"])).toMatchObject({
      status: "crash",
      reason: "bad file",
    });
  });
});

describe("judgeEvaluatedMetrics", () => {
  it("lets the evaluator win and keeps the candidate's claims only as evidence", () => {
    const verdict = judgeEvaluatedMetrics(
      report({ val_bpb: 0.0001, accuracy: 1, peak_vram_mb: 100 }),
      report({ val_bpb: 0.9, accuracy: 0.5 }),
      ["val_bpb"],
    );
    expect(verdict).toEqual({
      status: "ok",
      metrics: { val_bpb: 0.9, accuracy: 0.5, peak_vram_mb: 100 },
      ignored_metrics: { val_bpb: 0.0001, accuracy: 1 },
    });
  });

  it("crashes when the evaluator did not report an objective, even if the candidate did", () => {
    const verdict = judgeEvaluatedMetrics(report({ val_bpb: 0.1, tokens: 3 }), report({ x: 1 }), [
      "val_bpb",
      "tokens",
    ]);
    expect(verdict.status).toBe("crash");
    expect(verdict.reason).toMatch(/^the evaluator reported no val_bpb, tokens/);
    expect(verdict.ignored_metrics).toEqual({ val_bpb: 0.1, tokens: 3 });
    expect(verdict.metrics).toEqual({ x: 1 });
  });

  it("crashes on the evaluator's NaN, not on the candidate's", () => {
    expect(
      judgeEvaluatedMetrics(report({}, { val_bpb: Number.NaN }), report({ val_bpb: 1 }), [
        "val_bpb",
      ]).status,
    ).toBe("ok");
    expect(
      judgeEvaluatedMetrics(report({}), report({}, { val_bpb: Number.NaN }), ["val_bpb"]).reason,
    ).toMatch(/^metric val_bpb is NaN/);
  });
});

describe("requiredMetricNames", () => {
  it("lists the metric and the objectives once each", () => {
    const config = makeConfig(
      {},
      {
        mode: "harness",
        objectives: [
          { name: "tokens", goal: "minimize" },
          { name: "val_bpb", goal: "minimize" },
        ],
      },
    );
    expect(requiredMetricNames(config)).toEqual(["val_bpb", "tokens"]);
  });
});
