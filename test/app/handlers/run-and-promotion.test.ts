import { describe, expect, it } from "vitest";
import { useNock } from "../../forge/github/github-mock.ts";
import { OWNER, REPO, REPO_NODE_ID } from "../../forge/github/github-shapes.ts";
import { appHarness } from "./app-harness.ts";
import {
  INSTALLATION_ID,
  inTestRepository,
  type Payload,
  record,
  webhookExample,
} from "./webhook-payloads.ts";

// With useNock and no mocks, any GitHub API call from these handlers fails the test.
useNock();

const RUN_NAME = "autoopt nov27 exp-3";

/** The newest-format example (it has `path` and `display_title`), renamed as our workflow. */
function runCompleted(name: string | null): Payload {
  const hasPath = (p: Payload) => "path" in record(p.workflow_run, "workflow_run");
  const payload = inTestRepository(webhookExample("workflow_run", "completed", hasPath));
  const run = record(payload.workflow_run, "workflow_run");
  return {
    ...payload,
    workflow_run: {
      ...run,
      id: 9001,
      name,
      display_title: RUN_NAME,
      path: ".github/workflows/autoopt-experiment.yml",
      html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/9001`,
      conclusion: "failure",
    },
  };
}

function pullRequestClosed(options: { ref: string; merged: boolean; fromFork?: boolean }): Payload {
  const payload = inTestRepository(webhookExample("pull_request", "closed"));
  const pr = record(payload.pull_request, "pull_request");
  const head = record(pr.head, "pull_request.head");
  const headRepo = options.fromFork
    ? { ...record(head.repo, "head.repo"), full_name: `someone/${REPO}` }
    : payload.repository;
  return {
    ...payload,
    number: 31,
    pull_request: {
      ...pr,
      number: 31,
      merged: options.merged,
      head: { ...head, ref: options.ref, repo: headRepo },
    },
  };
}

describe("workflow_run.completed", () => {
  it("hands an experiment run to the sessions with the fields they need", async () => {
    const app = await appHarness();
    await app.deliver("workflow_run", runCompleted("autoopt experiment"));
    expect(app.sessions.calls).toEqual([
      {
        method: "runCompleted",
        event: {
          owner: OWNER,
          repo: REPO,
          installationId: INSTALLATION_ID,
          repositoryId: REPO_NODE_ID,
          runId: 9001,
          runName: RUN_NAME,
          conclusion: "failure",
          htmlUrl: `https://github.com/${OWNER}/${REPO}/actions/runs/9001`,
          workflowPath: ".github/workflows/autoopt-experiment.yml",
        },
      },
    ]);
  });

  it.each(["CI", "", null])("ignores the runs of other workflows (name %j)", async (name) => {
    const app = await appHarness();
    await app.deliver("workflow_run", runCompleted(name));
    expect(app.sessions.calls).toEqual([]);
  });

  it("ignores a run that is not completed (Probot routes only completed ones here)", async () => {
    const app = await appHarness();
    const requested = { ...runCompleted("autoopt experiment"), action: "requested" };
    await app.deliver("workflow_run", requested);
    expect(app.sessions.calls).toEqual([]);
  });

  it("logs a run payload of an unexpected shape instead of crashing", async () => {
    const app = await appHarness();
    const payload = runCompleted("autoopt experiment");
    const broken = {
      ...payload,
      workflow_run: { ...record(payload.workflow_run, "run"), id: "9001" },
    };
    await app.deliver("workflow_run", broken);
    expect(app.sessions.calls).toEqual([]);
    expect(app.log.messages("warn")).toEqual([
      "ignored a webhook whose payload does not have the shape autoopt expects",
    ]);
  });
});

describe("pull_request.closed", () => {
  it.each([true, false])(
    "tells the sessions a promotion PR closed (merged: %s)",
    async (merged) => {
      const app = await appHarness();
      await app.deliver(
        "pull_request",
        pullRequestClosed({ ref: "autoopt/nov27/ratchet", merged }),
      );
      expect(app.sessions.calls).toEqual([
        {
          method: "promotionClosed",
          event: {
            owner: OWNER,
            repo: REPO,
            installationId: INSTALLATION_ID,
            repositoryId: REPO_NODE_ID,
            headRef: "autoopt/nov27/ratchet",
            merged,
            number: 31,
          },
        },
      ]);
    },
  );

  it.each([
    "changes",
    "autoopt/nov27/exp-4",
    "autoopt/nov27/ratchet/x",
    "feature/autoopt/nov27/ratchet",
  ])("ignores other head branches (%s)", async (ref) => {
    const app = await appHarness();
    await app.deliver("pull_request", pullRequestClosed({ ref, merged: true }));
    expect(app.sessions.calls).toEqual([]);
  });

  it("ignores a fork's branch named like a ratchet", async () => {
    const app = await appHarness();
    const payload = pullRequestClosed({
      ref: "autoopt/nov27/ratchet",
      merged: true,
      fromFork: true,
    });
    await app.deliver("pull_request", payload);
    expect(app.sessions.calls).toEqual([]);
    expect(app.log.messages("info")).toEqual(["ignored a ratchet-named fork branch"]);
  });
});

describe("reserved events", () => {
  it.each([
    ["workflow_job", "completed"],
    ["pull_request_review", "submitted"],
  ])("accepts and logs %s.%s", async (name, action) => {
    const app = await appHarness();
    await app.deliver(name, inTestRepository(webhookExample(name, action)));
    expect(app.sessions.calls).toEqual([]);
    expect(app.log.lines).toEqual([
      {
        level: "debug",
        fields: { delivery: "delivery-1", event: name, action },
        message: "reserved event",
      },
    ]);
  });
});
