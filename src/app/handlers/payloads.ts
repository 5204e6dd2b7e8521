import { type ZodType, z } from "zod";
import type { AppLog } from "../app-log.ts";

// Lenient on data from GitHub: only the fields the handlers read are checked, anything else may
// come and go. A payload that lacks one of them is answered with a log line, never a crash.

const Account = z.looseObject({ login: z.string().min(1), type: z.string() });

const Repository = z.looseObject({
  name: z.string().min(1),
  full_name: z.string().min(1),
  default_branch: z.string().min(1),
  owner: z.looseObject({ login: z.string().min(1) }),
  /** Its GraphQL node id (ref updates take it): optional, read from GitHub when absent. */
  node_id: z.string().min(1).optional(),
});

const Installation = z.looseObject({ id: z.number().int().positive() });

export const IssueCommentCreated = z.looseObject({
  installation: Installation,
  repository: Repository,
  sender: Account,
  issue: z.looseObject({
    number: z.number().int().positive(),
    locked: z.boolean(),
    // Present (an object) exactly when the "issue" is a pull request.
    pull_request: z.unknown().optional(),
  }),
  comment: z.looseObject({ id: z.number().int().positive(), body: z.string(), user: Account }),
});
export type IssueCommentCreated = z.infer<typeof IssueCommentCreated>;

export const WorkflowRunCompleted = z.looseObject({
  installation: Installation,
  repository: Repository,
  workflow_run: z.looseObject({
    id: z.number().int().positive(),
    name: z.string().nullish(),
    // The run's `run-name`: `autoopt <session> <experiment>` for an experiment run.
    display_title: z.string().optional(),
    conclusion: z.string().nullable(),
    html_url: z.string(),
    path: z.string(),
  }),
});
export type WorkflowRunCompleted = z.infer<typeof WorkflowRunCompleted>;

export const PullRequestClosed = z.looseObject({
  installation: Installation,
  repository: Repository,
  pull_request: z.looseObject({
    number: z.number().int().positive(),
    merged: z.boolean().nullish(),
    head: z.looseObject({
      ref: z.string(),
      // Null when the fork the pull request came from has been deleted.
      repo: z.looseObject({ full_name: z.string() }).nullable(),
    }),
  }),
});
export type PullRequestClosed = z.infer<typeof PullRequestClosed>;

/** What a handler knows of the delivery it is handling, for its log lines. */
export interface Delivery {
  id: string;
  name: string;
}

/** The payload's checked fields, or undefined after logging what was missing or malformed. */
export function readPayload<T>(
  schema: ZodType<T>,
  payload: unknown,
  delivery: Delivery,
  log: AppLog,
): T | undefined {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  log.warn(
    { delivery: delivery.id, event: delivery.name, problems: z.prettifyError(parsed.error) },
    "ignored a webhook whose payload does not have the shape autoopt expects",
  );
  return undefined;
}

/** The repository's node id as a `RepoRef` field, when the payload has one. */
export function repositoryIdOf(repository: { node_id?: string | undefined }): {
  repositoryId?: string;
} {
  return repository.node_id === undefined ? {} : { repositoryId: repository.node_id };
}
