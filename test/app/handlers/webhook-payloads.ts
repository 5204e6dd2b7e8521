import { createRequire } from "node:module";
import { OWNER, REPO, REPO_NODE_ID } from "../../forge/github/github-shapes.ts";

/**
 * Real webhook payloads from @octokit/webhooks-examples, looked up by event name and action.
 * Tests change only ids, the repository, the comment body and the one field a case is about.
 */
const definitions: unknown = createRequire(import.meta.url)("@octokit/webhooks-examples");

export const INSTALLATION_ID = 4242;
export const DEFAULT_BRANCH = "main";

export type Payload = Record<string, unknown>;

/** A deep copy of the first example of `name` with `action` that `pick` accepts. */
export function webhookExample(
  name: string,
  action: string,
  pick: (payload: Payload) => boolean = () => true,
): Payload {
  const found = examplesOf(name).find((p) => p.action === action && pick(p));
  if (found === undefined) throw new Error(`@octokit/webhooks-examples has no ${name}.${action}`);
  return { ...structuredClone(found), installation: { id: INSTALLATION_ID, node_id: "MDIz" } };
}

/** The example's repository, moved to the test repository (ids and URLs kept). */
export function inTestRepository(payload: Payload): Payload {
  const repository = record(payload.repository, "repository");
  const owner = record(repository.owner, "repository.owner");
  return {
    ...payload,
    repository: {
      ...repository,
      name: REPO,
      full_name: `${OWNER}/${REPO}`,
      node_id: REPO_NODE_ID,
      default_branch: DEFAULT_BRANCH,
      owner: { ...owner, login: OWNER },
    },
  };
}

export function record(value: unknown, what: string): Payload {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object`);
  return { ...value };
}

function examplesOf(name: string): Payload[] {
  if (!Array.isArray(definitions)) throw new Error("@octokit/webhooks-examples is not a list");
  const definition: unknown = definitions.find((d) => record(d, "definition").name === name);
  const examples = record(definition, name).examples;
  if (!Array.isArray(examples)) throw new Error(`${name} has no examples`);
  return examples.map((e, i) => record(e, `${name}.examples[${i}]`));
}
