import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, type Zippable, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { artifactPath } from "../../../src/app/archive/artifact-paths.ts";
import { ARTIFACT_LIMITS, unpackArtifact } from "../../../src/app/archive/unpack-artifact.ts";
import { zipLinkFlags } from "../../../src/app/archive/zip-links.ts";

/** A folder holding `exp-1/` (where artifacts go) and `outside/` (where nothing may land). */
function folders() {
  const root = mkdtempSync(join(tmpdir(), "autoopt-unpack-"));
  const outside = join(root, "outside");
  mkdirSync(outside);
  return { root, dir: join(root, "session", "exp-1"), outside };
}

/** Every file under `dir`, as paths relative to it. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** A Unix zip tool's record of a symbolic link to `target`. */
const link = (target: string): Zippable[string] => [
  strToU8(target),
  { os: 3, attrs: (0o120777 << 16) >>> 0 },
];

const ARTIFACT = {
  "result.json": strToU8('{"status":"ok"}\n'),
  "run.log": strToU8("step 1\n---\nval_bpb: 1.0\n"),
  "metrics.json": strToU8('{"val_bpb":1.0}\n'),
  traces: { "tasks.jsonl": strToU8('{"task_id":"a","score":1}\n') },
};

describe("artifactPath", () => {
  it("places the action's layout where a local run leaves its files", () => {
    expect(
      ["result.json", "run.log", "metrics.json", "traces/a.jsonl", "out/traces/b.jsonl"].map(
        (name) => artifactPath(name),
      ),
    ).toEqual([
      { ok: true, path: "result.json" },
      { ok: true, path: "run.log" },
      { ok: true, path: "out/metrics.json" },
      { ok: true, path: "out/traces/a.jsonl" },
      { ok: true, path: "out/traces/b.jsonl" },
    ]);
  });

  it.each([
    ["../up.txt", /\.\. segment/],
    ["traces/../../up.txt", /\.\. segment/],
    ["/etc/passwd", /absolute/],
    ["C:/Windows/x", /absolute/],
    ["traces\\..\\..\\up.txt", /backslash/],
    ["traces/a\0b", /NUL/],
    ["proposal.json", /not part of a run's record/],
    ["diff.patch", /not part of a run's record/],
    ["traces/half.jsonl.tmp", /\*\.tmp/],
    [`traces/${"d/".repeat(20)}x`, /deeper than/],
  ])("refuses %j", (name, why) => {
    const place = artifactPath(name);
    expect(place.ok).toBe(false);
    if (!place.ok) expect(place.why).toMatch(why);
  });
});

describe("unpackArtifact", () => {
  it("writes the artifact as exp-<n>/ of a local session", async () => {
    const { dir } = folders();
    const report = await unpackArtifact(zipSync(ARTIFACT), dir);
    expect(report.refused).toEqual([]);
    expect(tree(dir)).toEqual([
      "out/metrics.json",
      "out/traces/tasks.jsonl",
      "result.json",
      "run.log",
    ]);
    expect(report.written.at(-1)).toBe("result.json");
    expect(readFileSync(join(dir, "out/traces/tasks.jsonl"), "utf8")).toContain('"task_id":"a"');
  });

  it("refuses entries that would land outside the folder, links, and what it does not keep", async () => {
    const { root, dir, outside } = folders();
    const zip = zipSync({
      ...ARTIFACT,
      "../escape.txt": strToU8("escaped"),
      "../../outside/escape.txt": strToU8("escaped"),
      "/tmp/absolute.txt": strToU8("escaped"),
      "traces/../../../outside/up.txt": strToU8("escaped"),
      "traces\\..\\..\\outside\\win.txt": strToU8("escaped"),
      "proposal.json": strToU8("{}"),
      "traces/passwd.jsonl": link("/etc/passwd"),
      "traces/out.jsonl": link("../../../outside/escape.txt"),
    });
    const { refused } = await unpackArtifact(zip, dir);
    expect(refused.map((r) => r.replace(/: .*/, ""))).toEqual([
      "../escape.txt",
      "../../outside/escape.txt",
      "/tmp/absolute.txt",
      "traces/../../../outside/up.txt",
      "traces\\..\\..\\outside\\win.txt",
      "proposal.json",
      "traces/passwd.jsonl",
      "traces/out.jsonl",
    ]);
    expect(refused.at(-1)).toMatch(/a symbolic link/);
    expect(tree(dir)).toEqual([
      "out/metrics.json",
      "out/traces/tasks.jsonl",
      "result.json",
      "run.log",
    ]);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(["outside", "session"]);
    expect(readdirSync(join(root, "session"))).toEqual(["exp-1"]);
  });

  it("keeps to the size and count limits", async () => {
    const { dir } = folders();
    const zip = zipSync({
      ...ARTIFACT,
      traces: {
        "a.jsonl": strToU8("x".repeat(600)),
        "b.jsonl": strToU8("y".repeat(300)),
        "c.jsonl": strToU8("z".repeat(500)),
      },
    });
    const limits = { maxFileBytes: 500, maxTotalBytes: 800, maxFiles: 10 };
    const { refused } = await unpackArtifact(zip, dir, limits);
    expect(refused).toEqual([
      "traces/a.jsonl: 600 bytes, more than the 500 kept of one file",
      "traces/c.jsonl: over the 800 bytes kept of one run's artifact",
    ]);
    expect(tree(dir)).toContain("out/traces/b.jsonl");
    const few = await unpackArtifact(zipSync(ARTIFACT), dir, { ...ARTIFACT_LIMITS, maxFiles: 2 });
    expect(few.written).toEqual(["run.log", "result.json"]);
    expect(few.refused).toHaveLength(2);
  });

  it("replaces what an earlier run left, and never writes through a link planted in the folder", async () => {
    const { dir, outside } = folders();
    await unpackArtifact(zipSync({ ...ARTIFACT, traces: { "old.jsonl": strToU8("old\n") } }), dir);
    // Someone with access to the cache swaps out/ for a link to another folder.
    const out = join(dir, "out");
    rmSync(out, { recursive: true });
    symlinkSync(outside, out);
    await unpackArtifact(zipSync(ARTIFACT), dir);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(readdirSync(outside)).toEqual([]);
    expect(tree(dir)).toEqual([
      "out/metrics.json",
      "out/traces/tasks.jsonl",
      "result.json",
      "run.log",
    ]);
  });
});

describe("zipLinkFlags", () => {
  it("tells links from files and folders, in the central directory's order", () => {
    const zip = zipSync({
      "a.txt": strToU8("a"),
      "b.lnk": link("a.txt"),
      c: { "d.txt": [strToU8("d"), { os: 3, attrs: (0o100644 << 16) >>> 0 }] },
    });
    // fflate writes the folder c/ as an entry of its own.
    expect(zipLinkFlags(zip)).toEqual([false, true, false, false]);
    expect(zipLinkFlags(strToU8("not a zip"))).toBeUndefined();
  });
});
