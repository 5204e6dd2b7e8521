import { describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/index.ts";
import type { Finished } from "../../../src/core/index.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import {
  AT,
  artifactFiles,
  completedEvent,
  config,
  harness,
  RUN_MS,
  result,
  seed,
} from "./session-fixture.ts";

const repo = useFakeGitHub();

function uncontainedOnPurpose(): Config {
  const base = config();
  return { ...base, sandbox: { ...base.sandbox, containment: "none" } };
}

async function started(cfg: Config = config()) {
  seed(repo());
  const h = harness();
  await h.sessions.start(AT, cfg, { name: "start" });
  await h.sessions.idle();
  return h;
}

function finished(): Finished[] {
  return repo()
    .ledger("issue-7")
    .filter((e): e is Finished => e.type === "finished");
}

/** Completes `exp`'s run with a result changed by `changes`, and waits for the App. */
async function complete(
  h: Awaited<ReturnType<typeof started>>,
  exp: string,
  value: number,
  changes: Parameters<typeof result>[2] = {},
  conclusion: "success" | "failure" = "success",
) {
  const run = repo().run("issue-7", exp);
  h.clock.now += RUN_MS;
  // JSON drops a key set to undefined: `{ containment: undefined }` is a result without one.
  const r = result(run, value, changes);
  repo().complete(run, conclusion, artifactFiles(r));
  await h.sessions.runCompleted(completedEvent(run));
  await h.sessions.idle();
  return run;
}

describe("GitHubSessions: how a run was contained", () => {
  it("records a contained run's containment in the ledger and shows it on the status comment", async () => {
    const h = await started();
    await complete(h, "exp-1", 1.0);
    expect(finished()[0]?.run).toMatchObject({ status: "ok", containment: "bubblewrap" });
    expect([...repo().comments.values()][0]?.body).toContain(
      "🔒 **Containment:** the one run ran in a bubblewrap sandbox",
    );
  });

  it("does not judge an uncontained result when the config did not allow it: a crash that says how to fix it", async () => {
    const h = await started();
    await complete(h, "exp-1", 1.0);
    const run = await complete(h, "exp-2", 0.5, { containment: "none" });
    expect(finished()[1]?.decision.outcome).toBe("crash");
    expect(finished()[1]?.run.reason).toBe(
      `the runner ran exp-2 uncontained (result.json says containment: none), but the session's config says \`sandbox.containment: auto\`, so its result is not judged: install bubblewrap on the runner image (see docs/runners.md), or set \`sandbox.containment: none\` in the config on the base branch to accept uncontained runs on purpose; see https://github.com/octo-org/lab/actions/runs/${run.id}`,
    );
    expect(finished()[1]?.run.metrics).toEqual({});
    expect(repo().refs.has("heads/autoopt/issue-7/exp-2")).toBe(false);
    expect(repo().run("issue-7", "exp-3").status).toBe("queued");
  });

  it("takes a result that does not say how it was contained as uncontained", async () => {
    const h = await started();
    await complete(h, "exp-1", 1.0, { containment: undefined });
    expect(finished()[0]?.decision.outcome).toBe("crash");
    expect(finished()[0]?.run.reason).toMatch(
      /^result\.json does not say how exp-1 was contained \(an action older than containment wrote it\), and the session's config says `sandbox\.containment: auto`, so its result is not judged: update the experiment workflow to the current autoopt action/,
    );
  });

  it("judges uncontained runs when the config says containment: none, and warns about them", async () => {
    const h = await started(uncontainedOnPurpose());
    await complete(h, "exp-1", 1.0, { containment: "none" });
    await complete(h, "exp-2", 0.9, { containment: "none" });
    expect(finished().map((f) => f.decision.outcome)).toEqual(["baseline", "keep"]);
    expect(finished()[1]?.run.containment).toBe("none");
    expect([...repo().comments.values()][0]?.body).toContain(
      "> [!WARNING]\n> **Containment:** all 2 runs ran **uncontained** (`sandbox.containment: none`)",
    );
    expect([...repo().pulls.values()][0]?.body).toContain("all 2 runs ran **uncontained**");
  });

  it("does not trust the artifact of a run that failed: its name was taken by someone else first", async () => {
    const h = await started();
    await complete(h, "exp-1", 1.0);
    const run = await complete(h, "exp-2", 0.0001, {}, "failure");
    expect(finished()[1]?.decision.outcome).toBe("crash");
    expect(finished()[1]?.run.reason).toBe(
      `the run ended \`failure\` although an artifact with its result exists, so that result is not trusted: the action fails the job when another process uploaded under its artifact name first; see https://github.com/octo-org/lab/actions/runs/${run.id}`,
    );
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(repo().refs.get("heads/main"));
  });
});
