import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LedgerFile } from "../../src/engine/index.ts";
import { runSession } from "../helpers/run-session.ts";
import { config, gitIn, quadraticTrainPy, tempRepo } from "../helpers/temp-repo.ts";

const run = (dir: string, extra: Parameters<typeof runSession>[2] = {}) =>
  runSession(dir, "t1", extra);

describe("a local session end to end", () => {
  it("improves the metric, keeps only winners on the ratchet and leaves the user's tree alone", async () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config("session: { max_experiments: 8 }"),
      "program.md": "# go\n",
    });
    const statusBefore = gitIn(dir, "status", "--porcelain=v2", "--branch");
    const { out } = await run(dir);
    expect(out).toContain("reached max_experiments (8)");
    const tsv = readFileSync(join(dir, ".autoopt/t1/results.tsv"), "utf8").trim().split("\n");
    expect(tsv[0]).toBe("commit\tscore\tmemory_gb\tstatus\tdescription\texperiment\tdelta");
    expect(tsv).toHaveLength(1 + 1 + 8);
    const rows = tsv.slice(1).map((l) => l.split("\t"));
    expect(rows[0]?.[3]).toBe("keep");
    expect(rows[0]?.[4]).toBe("baseline");
    const kept = rows.slice(1).filter((r) => r[3] === "keep");
    expect(kept.length).toBeGreaterThan(0);
    // The ratchet head is the last kept commit, and its score is the best.
    const head = gitIn(dir, "rev-parse", "autoopt/t1/ratchet").trim();
    expect(head.startsWith(kept.at(-1)?.[0] ?? "x")).toBe(true);
    const best = Math.min(...rows.filter((r) => r[3] === "keep").map((r) => Number(r[1])));
    expect(Number(kept.at(-1)?.[1])).toBe(best);
    expect(best).toBeLessThan(Number(rows[0]?.[1]));
    // Discarded experiments lose their branch; kept ones keep theirs.
    const branches = gitIn(dir, "branch", "--list", "autoopt/t1/*")
      .split("\n")
      .map((b) => b.trim())
      .filter(Boolean);
    for (const r of rows.slice(1)) {
      expect(branches.includes(`autoopt/t1/exp-${r[5]}`)).toBe(r[3] === "keep");
    }
    expect(gitIn(dir, "status", "--porcelain=v2", "--branch")).toBe(statusBefore);
    expect(readFileSync(join(dir, "train.py"), "utf8")).toBe(quadraticTrainPy());
    expect(gitIn(dir, "worktree", "list").trim().split("\n")).toHaveLength(1);
  });

  it("records every proposal in the archive with its diff", async () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config("session: { max_experiments: 2 }"),
      "program.md": "# go\n",
    });
    await run(dir);
    const proposal = JSON.parse(readFileSync(join(dir, ".autoopt/t1/exp-2/proposal.json"), "utf8"));
    expect(proposal.description).toMatch(/^(X|Y) /);
    expect(readFileSync(join(dir, ".autoopt/t1/exp-2/diff.patch"), "utf8")).toContain("train.py");
    const result = JSON.parse(readFileSync(join(dir, ".autoopt/t1/exp-2/result.json"), "utf8"));
    expect(result.status).toBe("ok");
  });

  it("stops with a clear reason when the baseline command does not exist, losing nothing", async () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config().replace("python3 train.py", "no-such-trainer --go"),
      "program.md": "# go\n",
    });
    const { reason } = await run(dir);
    expect(reason).toMatch(/baseline failed.*not found/);
    const { events } = await new LedgerFile(join(dir, ".autoopt/t1/ledger.jsonl")).load();
    expect(events.map((e) => e.type)).toEqual(["session", "proposed", "finished", "stopped"]);
  });

  it("refuses a dirty working tree and names the file", async () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config(),
      "program.md": "# go\n",
    });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "train.py"), "X = 2\n");
    await expect(run(dir)).rejects.toThrow(/uncommitted changes \(train\.py\).*commit or stash/);
  });

  it("runs experiments in parallel without keeping anything blind", async () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(0.3),
      "autoopt.yml": config(
        "session: { max_experiments: 6, parallel: 3 }\nratchet: { baseline_repeats: 2 }",
      ),
      "program.md": "# go\n",
    });
    await run(dir);
    const { events } = await new LedgerFile(join(dir, ".autoopt/t1/ledger.jsonl")).load();
    const proposed = new Map(
      events.flatMap((e) => (e.type === "proposed" ? [[e.experiment, e] as const] : [])),
    );
    let ratchet = events[0]?.type === "session" ? events[0].base_sha : "";
    let maxInFlight = 0;
    const open = new Set<number>();
    for (const e of events) {
      if (e.type === "proposed") open.add(e.experiment);
      if (e.type === "finished") {
        open.delete(e.experiment);
        if (e.decision.outcome === "keep") {
          const kept = proposed.get(e.decision.target);
          expect(kept?.parent).toBe(ratchet);
          ratchet = kept?.sha ?? "";
        }
      }
      maxInFlight = Math.max(maxInFlight, open.size);
    }
    const hashes = events.flatMap((e) =>
      e.type === "proposed" && e.files_hash ? [e.files_hash] : [],
    );
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hashes.length).toBe(6);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(gitIn(dir, "rev-parse", "autoopt/t1/ratchet").trim()).toBe(ratchet);
  });

  it("confirms each passing candidate exactly `confirm` times, in parallel too", async () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(0.3),
      "autoopt.yml": config(
        "session: { max_experiments: 5, parallel: 3 }\nratchet: { baseline_repeats: 2, confirm: 1 }",
      ),
      "program.md": "# go\n",
    });
    await run(dir);
    const { events } = await new LedgerFile(join(dir, ".autoopt/t1/ledger.jsonl")).load();
    const confirms = new Map<number, number>();
    for (const e of events) {
      if (e.type === "proposed" && e.kind === "confirm" && e.of !== undefined) {
        confirms.set(e.of, (confirms.get(e.of) ?? 0) + 1);
      }
    }
    const gated = events.flatMap((e) =>
      e.type === "finished" && e.decision.outcome === "confirm" ? [e.decision.target] : [],
    );
    expect(gated.length).toBeGreaterThan(0);
    for (const id of gated) expect(confirms.get(id)).toBe(1);
    const kept = events.filter((e) => e.type === "finished" && e.decision.outcome === "keep");
    for (const k of kept) {
      expect(k.type === "finished" && k.decision.reason).toMatch(/^mean of 2 runs/);
    }
  });
});
