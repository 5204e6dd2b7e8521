import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NeedleFinder } from "../../src/archive/find-needle.ts";
import { cutLine } from "../../src/archive/format.ts";
import { grepFiles } from "../../src/archive/grep-files.ts";
import { grepPlan, requiredLiteral } from "../../src/archive/grep-plan.ts";
import { type FileNode, VirtualFs } from "../../src/archive/virtual-fs.ts";

const root = mkdtempSync(join(tmpdir(), "autoopt-grep-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fs = new VirtualFs(root, new Map(), { paths: new Set() });

function fileNode(name: string): FileNode {
  const node = fs.resolve(name);
  if ("error" in node || node.kind !== "file") throw new Error(`no file ${name}`);
  return node;
}

/** What grep must answer: the regex over the whole text, one report per matching line. */
function reference(path: string, text: string, regex: RegExp): string[] {
  const out: string[] = [];
  regex.lastIndex = 0;
  let line = 1;
  let lineStart = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    let newline = text.indexOf("\n", lineStart);
    while (newline !== -1 && newline < m.index) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf("\n", lineStart);
    }
    const lineEnd = newline === -1 ? text.length : newline;
    out.push(`${path}:${line}: ${cutLine(text.slice(lineStart, lineEnd).replace(/\r$/, ""), 300)}`);
    if (lineEnd >= text.length) break;
    regex.lastIndex = lineEnd + 1;
  }
  return out;
}

async function grep(name: string, pattern: string, ignoreCase = false): Promise<string[]> {
  const regex = new RegExp(pattern, ignoreCase ? "gim" : "gm");
  const out = await grepFiles(fs, [fileNode(name)], { regex, maxMatches: 1000 });
  return out.startsWith("no matches") ? [] : out.split("\n").slice(0, -1);
}

const WORDS = [
  "alpha",
  "Beta",
  "loss: 1.25",
  "NaN",
  "é",
  "ÉTÉ",
  "x_1",
  '"score":1',
  "\r",
  " ",
  "[a]",
];
const PATTERNS = [
  "alpha",
  "Beta",
  "loss: 1\\.2\\d",
  "NaN$",
  "^alpha",
  "é",
  "ÉTÉ",
  "x_1 ",
  '"score":1',
  "(alpha|Beta) NaN",
  "alpha.*NaN",
  "a\\s+B",
  "[^a]NaN",
  "loss: \\d+",
  "\\[a\\]",
  "ph?a",
  "alpha\\b",
  "\\bBeta",
  "a{1,2}lpha",
  "NaN\\r?$",
];

describe("grepFiles", () => {
  it("answers as a regex over the whole text would, for any file and pattern", async () => {
    const line = fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((w) => w.join(" "));
    const file = fc.array(line, { maxLength: 30 }).map((lines) => lines.join("\n"));
    await fc.assert(
      fc.asyncProperty(
        file,
        fc.constantFrom(...PATTERNS),
        fc.boolean(),
        fc.boolean(),
        async (text, pattern, ignoreCase, trailing) => {
          const content = trailing ? `${text}\n` : text;
          writeFileSync(join(root, "f.txt"), content);
          const regex = new RegExp(pattern, ignoreCase ? "gim" : "gm");
          expect(await grep("f.txt", pattern, ignoreCase)).toEqual(
            reference("f.txt", content, regex),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it("searches a file over 32 MiB a window at a time, line numbers intact", async () => {
    const filler = `${"z".repeat(99)}\n`;
    const parts: string[] = [];
    const marks: number[] = [];
    let lines = 0;
    for (let block = 0; block < 4; block++) {
      parts.push(filler.repeat(110_000));
      lines += 110_000;
      parts.push(`needle_${block} é\n`);
      marks.push(++lines);
    }
    // A 20 MiB line forces a window to grow; the needle after it is still found.
    parts.push(`${"w".repeat(20 * 1024 * 1024)}\nneedle_last`);
    writeFileSync(join(root, "big.txt"), parts.join(""));
    const expected = marks.map((n, i) => `big.txt:${n}: needle_${i} é`);
    expected.push(`big.txt:${lines + 2}: needle_last`);
    expect(await grep("big.txt", "needle_")).toEqual(expected);
    expect(await grep("big.txt", "NEEDLE_", true)).toEqual(expected);
    expect(await grep("big.txt", "needle_\\w")).toEqual(expected);
    expect(await grep("big.txt", "^n\\w+_[0-9] ")).toEqual(expected.slice(0, 4));
  });

  it("searches a large archive in worker threads and answers in file order", async () => {
    const dir = join(root, "many");
    mkdirSync(dir);
    const expected: string[] = [];
    for (let i = 0; i < 30; i++) {
      const name = `f${String(i).padStart(2, "0")}.jsonl`;
      const before = `${JSON.stringify({ task_id: i, text: "x".repeat(2_000) })}\n`.repeat(800 + i);
      writeFileSync(join(dir, name), `${before}{"task_id": "hit-${i}"}\n${before}`);
      expected.push(`many/${name}:${801 + i}: {"task_id": "hit-${i}"}`);
    }
    const node = fs.resolve("many");
    if ("error" in node || node.kind !== "dir") throw new Error("no folder");
    const run = (pattern: string, maxMatches: number, flags = "gm") =>
      grepFiles(fs, fs.files(node), { regex: new RegExp(pattern, flags), maxMatches });
    expect(await run('"hit-\\d+"', 100)).toBe(
      [...expected, "[30 matching lines in 30 of 30 files searched]"].join("\n"),
    );
    expect(await run("HIT-", 100, "gim")).toBe(
      [...expected, "[30 matching lines in 30 of 30 files searched]"].join("\n"),
    );
    expect(await run("hit-", 25)).toBe(
      [
        ...expected.slice(0, 25),
        "[stopped at 25 matching lines; more may follow: raise max_matches (up to 1,000) or narrow with path or glob]",
      ].join("\n"),
    );
    expect(await run("no_such_text", 10)).toBe("no matches for /no_such_text/ in 30 files");
  });

  it("skips binary files with a note", async () => {
    writeFileSync(join(root, "b.bin"), Buffer.from([110, 101, 101, 100, 0, 1]));
    const regex = /need/gm;
    expect(await grepFiles(fs, [fileNode("b.bin")], { regex, maxMatches: 5 })).toBe(
      "no matches for /need/ in 1 files\n[skipped 1 binary file]",
    );
  });
});

describe("grepPlan", () => {
  it.each<[string, string, string | undefined, boolean]>([
    ["loss is NaN", "gm", "loss is NaN", true],
    ["RuntimeError: (CUDA|shape)", "gm", "RuntimeError: ", false],
    ['latency_ms":119[0-9],"error"', "gm", 'latency_ms":119', false],
    ["val_bpb:\\s+0\\.97", "gm", undefined, false],
    ["a|bcd", "gm", undefined, false],
    ["ab+cdef", "gm", "cdef", false],
    ["x{2,3}yz12", "gm", "yz12", false],
    ["\\d+\\.\\d+ms", "gm", undefined, false],
    ['"score": ?1', "gm", '"score":', false],
    ['Error: "x":119\\d', "gim", '":119', false],
  ])("%s (%s) searches bytes for %j", (pattern, flags, needle, exact) => {
    const plan = grepPlan(new RegExp(pattern, flags));
    expect(plan.needle?.toString()).toBe(needle);
    expect(plan.exact).toBe(exact);
  });

  it("searches a plain ASCII word in any case as a lowercase needle", () => {
    expect(grepPlan(/Zebra_Never/gim)).toMatchObject({ exact: true, caseless: true });
    expect(grepPlan(/Zebra_Never/gim).needle?.toString()).toBe("zebra_never");
    expect(grepPlan(/été/gim)).toMatchObject({ caseless: false, exact: false });
    expect(grepPlan(/été/gim).needle).toBeUndefined();
  });

  it("takes the longest required run", () => {
    expect(requiredLiteral("ab(c)defg[h]ij", false)).toBe("defg");
    expect(requiredLiteral("(a|b)", false)).toBeUndefined();
    expect(requiredLiteral("\\.\\/x", false)).toBe("./x");
  });
});

describe("NeedleFinder", () => {
  it("finds every occurrence a regex finds, from its rarest byte, in any case if asked", () => {
    const text = fc
      .array(fc.constantFrom("a", "A", "b", "B", "_", "q", "Q", "é", " ", "\n", "ab_q", "AB_Q"), {
        maxLength: 400,
      })
      .map((parts) => parts.join(""));
    const needle = fc.constantFrom("ab_q", "q", "ba", "_a", "b_q", "bab");
    fc.assert(
      fc.property(text, needle, fc.boolean(), fc.nat(30), (t, n, caseless, from) => {
        const bytes = Buffer.from(t);
        const finder = NeedleFinder.create(bytes, 0, bytes.length, Buffer.from(n), caseless);
        if (!finder) return; // a common anchor in any case: the caller searches another way
        const found: number[] = [];
        for (
          let at = finder.find(from, bytes.length);
          at !== -1;
          at = finder.find(at + 1, bytes.length)
        )
          found.push(at);
        const regex = new RegExp(n, caseless ? "gi" : "g");
        const latin1 = bytes.toString("latin1");
        const expected: number[] = [];
        for (let m = regex.exec(latin1); m !== null; m = regex.exec(latin1)) {
          if (m.index >= from) expected.push(m.index);
          regex.lastIndex = m.index + 1;
        }
        expect(found).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
