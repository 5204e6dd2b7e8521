// What the archive benchmarks share to build a synthetic session: a seeded random source (the
// same archive every run), timestamps and file writes.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A seeded linear congruential generator: numbers in [0, 1), the same sequence for a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function picker(random: () => number) {
  return <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
}

/** An ISO time `minute` minutes after the synthetic session's start. */
export const at = (minute: number) =>
  new Date(Date.UTC(2026, 2, 1) + minute * 60_000).toISOString();

export function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
