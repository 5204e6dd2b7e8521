import nock from "nock";
import { afterEach, beforeEach, expect } from "vitest";
import type { FullLoop } from "./full-loop-harness.ts";

/**
 * A fresh FullLoop for each test, with the network shut; after the test it is disposed and the
 * fake GitHub must have refused nothing. Returns the current loop.
 */
export function useFullLoop(create: () => Promise<FullLoop>): () => FullLoop {
  let loop: FullLoop | undefined;
  beforeEach(async () => {
    nock.disableNetConnect();
    loop = await create();
  });
  afterEach(() => {
    nock.enableNetConnect();
    if (loop === undefined) return;
    loop.dispose();
    expect(loop.repo.unexpected, "requests the fake GitHub refused").toEqual([]);
    loop = undefined;
  });
  return () => {
    if (loop === undefined) throw new Error("no loop set up");
    return loop;
  };
}
