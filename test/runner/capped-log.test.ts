import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { redactor } from "../../src/core/index.ts";
import { ByteRing, lastLine } from "../../src/runner/byte-ring.ts";
import { CappedLog } from "../../src/runner/capped-log.ts";
import { removeTempDirs, tempDir } from "./fixtures.ts";

afterAll(removeTempDirs);

describe("ByteRing", () => {
  it("always holds exactly the last bytes pushed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.uint8Array({ maxLength: 60 })),
        (cap, chunks) => {
          const ring = new ByteRing(cap);
          for (const chunk of chunks) ring.push(Buffer.from(chunk));
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
          expect(ring.contents().equals(all.subarray(Math.max(0, all.length - cap)))).toBe(true);
        },
      ),
    );
  });
});

describe("lastLine", () => {
  it("finds the last non-blank line", () => {
    expect(lastLine("a\nTraceback\nValueError: bad\n\n")).toBe("ValueError: bad");
    expect(lastLine("")).toBe("");
  });
});

describe("CappedLog", () => {
  it("keeps everything when the output fits", () => {
    const path = join(tempDir(), "run.log");
    const log = new CappedLog(path, 4096);
    log.write("hello\n");
    log.write(Buffer.from("partial"));
    log.writeLine("--- evaluator ---");
    expect(log.close()).toEqual({ bytes: 32, omitted: 0 });
    expect(readFileSync(path, "utf8")).toBe("hello\npartial\n--- evaluator ---\n");
  });

  it("keeps the head and the tail of 5 MB within the cap, with one omission line", () => {
    const path = join(tempDir(), "run.log");
    const limit = 64 * 1024;
    const log = new CappedLog(path, limit);
    const lines = Array.from({ length: 500_000 }, (_, i) => `line ${i}\n`);
    for (let i = 0; i < lines.length; i += 1000) log.write(lines.slice(i, i + 1000).join(""));
    const total = lines.join("").length;
    const { bytes, omitted } = log.close();
    const text = readFileSync(path, "utf8");
    expect(bytes).toBe(total);
    expect(statSync(path).size).toBeLessThanOrEqual(limit);
    expect(text.startsWith("line 0\nline 1\n")).toBe(true);
    expect(text.endsWith("line 499999\n")).toBe(true);
    const markers = text.match(/… \[(\d+) bytes omitted\] …/g) ?? [];
    expect(markers).toHaveLength(1);
    expect(Number(/\d+/.exec(markers[0] ?? "")?.[0])).toBe(omitted);
    const marker = `… [${omitted} bytes omitted] …\n`;
    const [before = "", after = ""] = text.split(marker);
    // The head is exactly half the cap, plus the newline that puts the marker on its own line.
    const inserted = before.endsWith("\n") && Buffer.byteLength(before) === limit / 2 + 1 ? 1 : 0;
    expect(Buffer.byteLength(before) - inserted).toBe(limit / 2);
    expect(Buffer.byteLength(before) - inserted + omitted + Buffer.byteLength(after)).toBe(total);
    // The tail starts on a whole line.
    expect(after).toMatch(/^line \d+\n/);
  });

  it("keeps log_tail to the last 2000 characters", () => {
    const log = new CappedLog(join(tempDir(), "run.log"), 4096);
    log.write("x".repeat(10_000));
    log.write("end");
    expect(log.recentText()).toHaveLength(2000);
    expect(log.recentText().endsWith("xend")).toBe(true);
    log.close();
  });

  it("redacts a secret written whole, split across writes, or split inside a UTF-8 character", () => {
    const secret = "sk-live-ÄÖÜ-0123456789";
    const path = join(tempDir(), "run.log");
    const log = new CappedLog(path, 4096, redactor([secret]));
    log.write(`key=${secret}\n`);
    const bytes = Buffer.from(`split ${secret} end\n`);
    const cut = bytes.indexOf(Buffer.from("Ä")) + 1; // inside the two bytes of Ä
    log.write(bytes.subarray(0, cut));
    log.write(bytes.subarray(cut));
    log.write(`no newline ${secret.slice(0, 9)}`);
    log.write(secret.slice(9));
    expect(log.recentText()).not.toContain("0123456789");
    log.close();
    const text = readFileSync(path, "utf8");
    expect(text).toBe("key=[redacted]\nsplit [redacted] end\nno newline [redacted]");
  });

  it("puts writeLine after output still held back, not inside it", () => {
    const path = join(tempDir(), "run.log");
    const log = new CappedLog(path, 4096, redactor(["a-secret-value"]));
    log.write("partial");
    log.writeLine("--- evaluator ---");
    log.close();
    expect(readFileSync(path, "utf8")).toBe("partial\n--- evaluator ---\n");
  });

  it("stops at a failed write and throws it on close, naming the log", () => {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const log = new CappedLog("/dev/full", 4096);
    expect(() => log.write("hello\n")).not.toThrow();
    expect(() => log.close()).toThrow(
      expect.objectContaining({
        message: expect.stringContaining("/dev/full"),
        cause: expect.objectContaining({ code: "ENOSPC" }),
      }),
    );
  });
});
