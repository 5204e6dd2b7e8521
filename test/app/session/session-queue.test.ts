import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { SessionQueue } from "../../../src/app/session/session-queue.ts";

describe("SessionQueue", () => {
  it("runs one session's jobs one at a time, in order, and sessions side by side", async () => {
    const errors: unknown[] = [];
    const queue = new SessionQueue((_, e) => errors.push(e));
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await delay(ms);
      log.push(`${name} end`);
    };
    queue.enqueue("a", job("a1", 20));
    queue.enqueue("a", job("a2", 1));
    queue.enqueue("b", job("b1", 5));
    await queue.idle();
    expect(log.indexOf("a1 end")).toBeLessThan(log.indexOf("a2 start"));
    expect(log.indexOf("b1 end")).toBeLessThan(log.indexOf("a1 end"));
    expect(errors).toEqual([]);
  });

  it("reports a failed job and goes on with the next; idle waits for jobs queued meanwhile", async () => {
    const errors: string[] = [];
    const queue = new SessionQueue((key, e) => errors.push(`${key}: ${String(e)}`));
    const done: string[] = [];
    queue.enqueue("a", async () => {
      throw new Error("boom");
    });
    queue.enqueue("a", async () => {
      queue.enqueue("b", async () => {
        await delay(5);
        done.push("b");
      });
      done.push("a");
    });
    await queue.idle();
    expect(done).toEqual(["a", "b"]);
    expect(errors).toEqual(["a: Error: boom"]);
    await expect(queue.run("a", async () => 42)).resolves.toBe(42);
  });
});
