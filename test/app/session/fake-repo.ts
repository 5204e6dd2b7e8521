import { createHash } from "node:crypto";
import { strToU8, zipSync } from "fflate";
import { LedgerEvent } from "../../../src/core/index.ts";
import { gitBlobSha } from "../../../src/forge/github/github-forge.ts";
import { REPO_NODE_ID } from "../../forge/github/github-shapes.ts";
import type { FakePull, FakeRun } from "./session-shapes.ts";

export interface Entry {
  mode: string;
  type: "blob" | "commit";
  sha: string;
}

export interface FakeArtifact {
  id: number;
  name: string;
  runId: number;
  zip: Uint8Array;
  expired: boolean;
}

/** One request the fake answered: its method and OpenAPI path template. */
export interface Seen {
  method: string;
  template: string;
  path: string;
}

/**
 * A repository as GitHub keeps it, in memory: git objects and refs, Actions runs and their
 * artifacts, issue comments and pull requests. The routes in fake-routes.ts read and change it
 * as GitHub would; tests set it up and look at it afterwards.
 */
export class FakeRepo {
  readonly refs = new Map<string, string>();
  /** The repository's GraphQL node id, as `GET /repos/{owner}/{repo}` gives it. */
  readonly nodeId = REPO_NODE_ID;
  /** The ref names of each `updateRefs` GitHub made, in order. */
  readonly refUpdates: string[][] = [];
  readonly blobs = new Map<string, string>();
  readonly trees = new Map<string, Map<string, Entry>>();
  readonly commits = new Map<string, { tree: string; parents: string[]; message: string }>();
  readonly runs = new Map<number, FakeRun>();
  readonly artifacts = new Map<number, FakeArtifact>();
  readonly comments = new Map<number, { issue: number; body: string }>();
  readonly pulls = new Map<number, FakePull>();
  readonly workflows = new Set(["autoopt-experiment.yml"]);
  /** The inputs the workflow declares; GitHub refuses a dispatch with any other (422). */
  readonly workflowInputs = new Set([
    "session",
    "experiment",
    "candidate_sha",
    "base_sha",
    "split",
  ]);
  /** `details` answers a dispatch with 200 and the run's id; `no-content` with 204, as GitHub did before. */
  dispatchAnswer: "details" | "no-content" = "details";
  /** True for an App installed without `pull requests: write`: GitHub answers POST /pulls with 403. */
  refusesPulls = false;
  /** False while GitHub's run list lags behind: dispatched runs do not show in it yet. */
  listsNewRuns = true;
  readonly seen: Seen[] = [];
  readonly unexpected: string[] = [];
  /**
   * A process that dies: from the `at`-th request on (counting `seen`), nothing the process whose
   * user agent starts with `process` sends reaches GitHub, and it gets a 500 as over a dropped
   * connection. Other processes (the App started again) are served as before.
   */
  kill: { at: number; process: string } | undefined;
  /** What a killed process sent after its death, as `METHOD path` lines: GitHub saw none of it. */
  readonly lost: string[] = [];
  private id = 100;

  nextId(): number {
    this.id += 1;
    return this.id;
  }

  /** Stores a blob under the SHA git (and so GitHub) gives it. */
  blob(content: string): string {
    const sha = gitBlobSha(content);
    this.blobs.set(sha, content);
    return sha;
  }

  tree(entries: Map<string, Entry>): string {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
    const sha = hash(`tree\0${JSON.stringify(sorted)}`);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  commit(tree: string, parents: string[], message: string): string {
    const sha = hash(`commit\0${tree}\0${parents.join(",")}\0${message}`);
    this.commits.set(sha, { tree, parents, message });
    return sha;
  }

  /** A commit of `files` on top of `parent`'s tree (or a root commit). */
  commitFiles(files: Record<string, string>, parent?: string, message = "files"): string {
    const base = parent === undefined ? new Map() : this.treeOf(parent);
    const entries = new Map(base);
    for (const [path, content] of Object.entries(files))
      entries.set(path, { mode: "100644", type: "blob", sha: this.blob(content) });
    return this.commit(this.tree(entries), parent === undefined ? [] : [parent], message);
  }

  treeOf(commit: string): Map<string, Entry> {
    const tree = this.commits.get(commit)?.tree;
    const entries = tree === undefined ? undefined : this.trees.get(tree);
    if (!entries) throw new Error(`the fake repository has no commit ${commit}`);
    return entries;
  }

  /** A file's content at a commit. */
  file(commit: string, path: string): string | undefined {
    const entry = this.treeOf(commit).get(path);
    return entry === undefined ? undefined : this.blobs.get(entry.sha);
  }

  isAncestor(ancestor: string, of: string): boolean {
    if (ancestor === of) return true;
    return (this.commits.get(of)?.parents ?? []).some((p) => this.isAncestor(ancestor, p));
  }

  /** The events on a session's ledger branch. */
  ledger(session: string): LedgerEvent[] {
    const head = this.refs.get(`heads/autoopt/${session}/ledger`);
    if (head === undefined) return [];
    const text = this.file(head, "ledger.jsonl") ?? "";
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => LedgerEvent.parse(JSON.parse(line)));
  }

  sessionJson(session: string): Record<string, unknown> {
    const head = this.refs.get(`heads/autoopt/${session}/ledger`);
    return JSON.parse(head === undefined ? "{}" : (this.file(head, "session.json") ?? "{}"));
  }

  /** The run dispatched for an experiment, e.g. `run("issue-7", "exp-2")`. */
  run(session: string, experiment: string): FakeRun {
    const run = [...this.runs.values()].findLast(
      (r) => r.inputs.session === session && r.inputs.experiment === experiment,
    );
    if (!run) throw new Error(`no run was dispatched for ${session} ${experiment}`);
    return run;
  }

  /** Completes a run, uploading `files` (e.g. result.json) as its artifact unless there are none. */
  complete(run: FakeRun, conclusion: string, files?: Record<string, string>): void {
    run.status = "completed";
    run.conclusion = conclusion;
    if (files === undefined) return;
    const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
    const name = `autoopt-${run.inputs.session}-${run.inputs.experiment}`;
    const id = this.nextId();
    this.artifacts.set(id, { id, name, runId: run.id, zip, expired: false });
  }

  /** True when a request with this user agent comes from a process that is dead by now. */
  killed(userAgent: string): boolean {
    const kill = this.kill;
    return (
      kill !== undefined && this.seen.length >= kill.at && userAgent.startsWith(`${kill.process} `)
    );
  }

  /** Requests seen, as `METHOD template` lines, from the `from`-th on. */
  calls(from = 0): string[] {
    return this.seen.slice(from).map((s) => `${s.method} ${s.template}`);
  }
}

function hash(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}
