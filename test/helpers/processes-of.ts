import { readdirSync, readFileSync } from "node:fs";

/**
 * Live host processes whose environment carries `AUTOOPT_SESSION=<session>`. Inside a sandbox
 * the pids a run can record are its own namespace's, so tests find a run's processes this way.
 */
export function processesOf(session: string): number[] {
  const marker = `AUTOOPT_SESSION=${session}`;
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (/\) Z /.test(stat)) return false;
        return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}
