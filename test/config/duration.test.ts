import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { suggestDuration } from "../../src/config/duration.ts";
import { Duration, formatDuration, parseDuration } from "../../src/config/index.ts";

describe("parseDuration", () => {
  it.each([
    ["90s", 90],
    ["5m", 300],
    ["1h", 3600],
    ["1h30m", 5400],
    ["250ms", 0.25],
    ["2.5s", 2.5],
    ["1d", 86_400],
    ["1m30s", 90],
    ["1h 30m", 5400],
    ["  5m  ", 300],
    ["0s", 0],
  ])("reads %j as %d seconds", (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds, 9);
  });

  it.each([
    ["90", 90],
    ["2.5", 2.5],
    ["0", 0],
  ])("reads the bare number %j as seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([90, 0, 2.5])("takes the number %d as seconds", (seconds) => {
    expect(parseDuration(seconds)).toBe(seconds);
  });

  it.each([
    "5 minutes",
    "-1s",
    "1x",
    "",
    "   ",
    "m5",
    "5 m",
    "1h30",
    ".5s",
    "1.s",
    "5M",
    "1e3",
    "1h-30m",
  ])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("rejects the number %d", (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [0.25, "250ms"],
    [2.5, "2.5s"],
    [45, "45s"],
    [60, "1m"],
    [90, "1m 30s"],
    [300, "5m"],
    [3600, "1h"],
    [3900, "1h 5m"],
    [5430, "1h 30m 30s"],
    [86_400, "24h"],
  ])("writes %d seconds as %j", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([
    [59.97, "1m"],
    [119.6, "2m"],
    [3599.6, "1h"],
  ])("rounds %d before splitting it into units (never `1m 60s`)", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("writes what parseDuration reads back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), (ms) => {
        expect(parseDuration(formatDuration(ms / 1000))).toBeCloseTo(ms / 1000, 9);
      }),
    );
  });
});

describe("Duration (the config field)", () => {
  it("parses text and numbers to seconds", () => {
    expect(Duration.parse("1h30m")).toBe(5400);
    expect(Duration.parse(42)).toBe(42);
  });

  it("suggests the unit form of a duration written in words", () => {
    const result = Duration.safeParse("5 minutes");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain("write `5m` instead");
  });

  it("says that a negative duration is the problem", () => {
    expect(Duration.safeParse("-1s").error?.issues[0]?.message).toContain("cannot be negative");
    expect(Duration.safeParse(-5).error?.issues[0]?.message).toContain("cannot be negative");
  });

  it("explains the form when there is nothing to suggest", () => {
    const message = Duration.safeParse("soon").error?.issues[0]?.message ?? "";
    expect(message).toContain("ms, s, m, h or d");
    expect(message).toContain("90s");
  });
});

describe("suggestDuration", () => {
  it.each([
    ["5 minutes", "5m"],
    ["5 min", "5m"],
    ["90 secs", "90s"],
    ["2 hours", "2h"],
    ["1.5 hrs", "1.5h"],
    ["250 milliseconds", "250ms"],
    ["3 days", "3d"],
    ["5 m", "5m"],
    ["5M", "5m"],
  ])("turns %j into %j", (text, suggestion) => {
    expect(suggestDuration(text)).toBe(suggestion);
  });

  it.each(["5 fortnights", "soon", "m5", "1h30m"])("has nothing for %j", (text) => {
    expect(suggestDuration(text)).toBeUndefined();
  });
});
