import { it } from "vitest";
import { type Plan, simulate } from "./simulate.ts";

const plans: Plan[] = [
  {
    settings: {
      metric: { name: "val_bpb", goal: "maximize" },
      budget_s: 300,
      min_delta: 0,
      baseline_repeats: 1,
      noise_sigmas: 0,
      confirm: 1,
      max_experiments: 2,
      max_hours: 0.5,
      parallel: 2,
      seed: 0,
    },
    outcomes: [{ value: 1 }, { value: 1.0625 }, { value: 1.0625 }, { value: 1 }],
    order: [0],
    restarts: [],
    lag: [true, false, true],
    stepMs: 60000,
  },
  {
    settings: {
      metric: { name: "val_bpb", goal: "minimize" },
      budget_s: 300,
      min_delta: 0,
      baseline_repeats: 2,
      noise_sigmas: 0,
      confirm: 2,
      max_experiments: 2,
      max_hours: 0.5,
      parallel: 3,
      seed: 0,
    },
    outcomes: [{ value: 1 }, { value: 1.0625 }],
    order: [2],
    restarts: [],
    lag: [false],
    stepMs: 60000,
  },
];
it("debug", () => {
  for (const p of plans) {
    try {
      const s = simulate(p);
      for (const e of s.driver.events) console.log(JSON.stringify(e).slice(0, 260));
      console.log("FINISHED", s.finished);
    } catch (e) {
      console.log("ERR", (e as Error).message);
    }
    console.log("-----");
  }
});
