import { describe, expect, it } from "vitest";
import { runnerPlaces } from "../../src/action/runner-places.ts";

describe("runnerPlaces", () => {
  it("hides the runner's work folder, its own folder and RUNNER_TEMP, and keeps the tool cache readable", () => {
    expect(
      runnerPlaces({
        GITHUB_WORKSPACE: "/home/runner/_work/repo/repo",
        RUNNER_WORKSPACE: "/home/runner/_work/repo",
        RUNNER_TEMP: "/home/runner/_work/_temp",
        RUNNER_TOOL_CACHE: "/opt/hostedtoolcache",
      }),
    ).toEqual({
      hide: ["/home/runner/_work", "/home/runner", "/home/runner/_work/_temp"],
      readOnly: ["/opt/hostedtoolcache"],
    });
  });

  it("never hides the root or a system folder, whatever the layout", () => {
    const places = runnerPlaces({ GITHUB_WORKSPACE: "/_work/r/r", RUNNER_TEMP: "/tmp/x" });
    expect(places.hide).toEqual(["/_work", "/tmp/x"]);
    expect(runnerPlaces({ GITHUB_WORKSPACE: "/opt/w/r", RUNNER_WORKSPACE: "/opt/w" }).hide).toEqual(
      [],
    );
  });
});
