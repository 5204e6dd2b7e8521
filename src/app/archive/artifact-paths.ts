/** Where an artifact entry goes in `exp-<n>/`, or why it goes nowhere. */
export type ArtifactPath = { ok: true; path: string } | { ok: false; why: string };

/** Folders deep enough for any trace layout; deeper is a zip made to exhaust something. */
const MAX_DEPTH = 16;

/**
 * Maps an entry of a run's artifact (as the action stages it: result.json, run.log,
 * metrics.json, traces/…) to its place in a local experiment folder (result.json, run.log,
 * out/metrics.json, out/traces/…), so that the archive tools find it where a local run leaves it.
 * An entry that could land outside the folder (absolute, `..`, a backslash, a NUL byte) is
 * refused, and so is anything an experiment's record does not hold: an artifact must not
 * overwrite proposal.json or diff.patch, nor place files the tools hide (`*.tmp`).
 */
export function artifactPath(name: string): ArtifactPath {
  if (name.includes("\0")) return { ok: false, why: "the name contains a NUL byte" };
  if (name.includes("\\"))
    return { ok: false, why: "the name contains a backslash, which could hide a .. segment" };
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name))
    return { ok: false, why: "an absolute path" };
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return { ok: false, why: "a path with a .. segment" };
  if (segments.length === 0) return { ok: false, why: "an empty name" };
  if (segments.length > MAX_DEPTH) return { ok: false, why: `deeper than ${MAX_DEPTH} folders` };
  if (segments.some((s) => s.endsWith(".tmp")))
    return { ok: false, why: "a *.tmp name, which the archive keeps for half-written files" };
  const [first, ...rest] = segments;
  const path = placeOf(first ?? "", rest);
  if (path === undefined)
    return { ok: false, why: "not part of a run's record (result.json, run.log, out/, traces/)" };
  return { ok: true, path };
}

function placeOf(first: string, rest: string[]): string | undefined {
  if (rest.length === 0) {
    if (first === "result.json" || first === "run.log") return first;
    if (first === "metrics.json") return "out/metrics.json";
    return undefined;
  }
  if (first === "traces") return ["out", "traces", ...rest].join("/");
  if (first === "out") return ["out", ...rest].join("/");
  return undefined;
}
