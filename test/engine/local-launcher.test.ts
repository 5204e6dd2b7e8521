import { describe, expect, it } from "vitest";
import type { Result } from "../../src/core/index.ts";
import type { ArchiveWriter } from "../../src/engine/archive-writer.ts";
import type { ExecuteInput, Executor } from "../../src/engine/executor.ts";
import { LocalLauncher } from "../../src/engine/local-launcher.ts";
import { Driver, ok, settings } from "../core/fixtures.ts";

/** Later: a promise and the function that settles it. */
function later<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("LocalLauncher.inFlight", () => {
  it("counts a run whose end waits to be recorded until the state records it", async () => {
    const ran = later<Result>();
    const recorded = later<void>();
    const executor: Executor = { execute: (_: ExecuteInput) => ran.promise };
    const ended: number[] = [];
    const launcher = new LocalLauncher({
      executor,
      archive: { experimentDir: (n: number) => `/nowhere/exp-${n}` } as ArchiveWriter,
      signal: new AbortController().signal,
      clock: () => 0,
      onEnd: async (n) => {
        ended.push(n);
        await recorded.promise;
      },
      emit: () => undefined,
    });
    const d = new Driver(settings());
    const n = d.propose("baseline");
    expect(await launcher.launch(n, d.state)).toEqual({ type: "started" });
    expect([...launcher.inFlight(d.state)]).toEqual([n]);

    const run = ok(1);
    ran.resolve({ ...run, status: "ok", log_tail: "" } as unknown as Result);
    await new Promise((r) => setTimeout(r, 10));
    expect(ended).toEqual([n]);
    // Ended, not recorded: to any other step it still holds its slot (not an orphan to rerun).
    const running = d.state;
    expect([...launcher.inFlight(running)]).toEqual([n]);
    // The step that records it sees it gone, and its slot free.
    d.finish(n, run);
    expect([...launcher.inFlight(d.state)]).toEqual([]);
    expect([...launcher.inFlight(running)]).toEqual([n]);
    recorded.resolve();
    await Promise.all(launcher.pending());
    expect([...launcher.inFlight(running)]).toEqual([]);
  });
});
