import { describe, expect, it } from "vitest";
import { WorkQueue } from "../../../src/app/work-queue.ts";
import { RecordingLog } from "./app-harness.ts";

/** A task that records its start and end, and ends when released. */
function gated(events: string[], name: string) {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  const task = async () => {
    events.push(`${name} start`);
    await done;
    events.push(`${name} end`);
  };
  return { task, release };
}

/** A few turns of the event loop: enough for every task that can start to have started. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("WorkQueue", () => {
  it("runs one key's tasks in order and other keys' side by side, after the caller returns", async () => {
    const events: string[] = [];
    const queue = new WorkQueue(new RecordingLog());
    const a1 = gated(events, "a1");
    const a2 = gated(events, "a2");
    const b1 = gated(events, "b1");
    queue.run("a", a1.task);
    queue.run("a", a2.task);
    queue.run("b", b1.task);
    expect(events).toEqual([]);
    await settle();
    expect(events).toEqual(["a1 start", "b1 start"]);
    a1.release();
    await settle();
    expect(events).toEqual(["a1 start", "b1 start", "a1 end", "a2 start"]);
    a2.release();
    b1.release();
    await queue.idle();
    expect(queue.size).toBe(0);
  });

  it("runs at most `concurrency` tasks at once, and the next as soon as one ends", async () => {
    const events: string[] = [];
    const queue = new WorkQueue(new RecordingLog(), { concurrency: 2 });
    const tasks = ["t1", "t2", "t3"].map((name) => gated(events, name));
    for (const [i, t] of tasks.entries()) queue.run(`key-${i}`, t.task);
    await settle();
    expect(events).toEqual(["t1 start", "t2 start"]);
    tasks[1]?.release();
    await settle();
    expect(events).toEqual(["t1 start", "t2 start", "t2 end", "t3 start"]);
    for (const t of tasks) t.release();
    await queue.idle();
    expect(events).toHaveLength(6);
  });

  it("logs a failed task and goes on with the key's next one", async () => {
    const log = new RecordingLog();
    const queue = new WorkQueue(log);
    const ran: string[] = [];
    queue.run("k", async () => {
      throw new Error("boom");
    });
    queue.run("k", async () => {
      ran.push("next");
    });
    await queue.idle();
    expect(ran).toEqual(["next"]);
    expect(log.lines).toEqual([
      {
        level: "error",
        fields: { err: new Error("boom"), key: "k" },
        message: "background task failed",
      },
    ]);
  });

  it("idle waits for tasks queued while it waits", async () => {
    const queue = new WorkQueue(new RecordingLog());
    const ran: string[] = [];
    queue.run("k", async () => {
      queue.run("other", async () => {
        await settle();
        ran.push("queued meanwhile");
      });
    });
    await queue.idle();
    expect(ran).toEqual(["queued meanwhile"]);
  });
});
