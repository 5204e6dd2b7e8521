/** A GitHub REST call that failed, with GitHub's own message and what to do about it. */
export class GitHubApiError extends Error {
  /** The HTTP status, or undefined when no response came back (network, DNS, abort). */
  readonly status: number | undefined;
  /** GitHub's `message` field, e.g. "Update is not a fast forward". */
  readonly githubMessage: string;
  /**
   * What GitHub's `errors` list says, one line per entry: its `message`, or its resource, field
   * and code. A 422 "Validation Failed" says what failed only there, e.g. "A pull request already
   * exists for octo-org:feature." or "PullRequest head invalid".
   */
  readonly githubErrors: readonly string[];

  constructor(request: string, error: unknown) {
    const status = statusOf(error);
    const githubMessage = messageOf(error);
    const githubErrors = errorsOf(error);
    const details = githubErrors.length === 0 ? "" : ` (${githubErrors.join("; ")})`;
    // A GraphQL refusal comes with HTTP 200 and an `errors` list, and no status of its own.
    const refused = status === undefined && graphqlErrors(error) !== undefined;
    super(
      `GitHub ${request} failed${status === undefined ? "" : ` with ${status}`}: ${githubMessage}${details}; ${refused ? "GitHub answered the GraphQL request with errors" : hint(status)}`,
      { cause: error },
    );
    this.name = "GitHubApiError";
    this.status = status;
    this.githubMessage = githubMessage;
    this.githubErrors = githubErrors;
  }

  /** A 422 whose message or one of whose errors matches, e.g. `is(422, /fast forward/i)`. */
  is(status: number, message: RegExp): boolean {
    if (this.status !== status) return false;
    return [this.githubMessage, ...this.githubErrors].some((text) => message.test(text));
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  return typeof error.status === "number" ? error.status : undefined;
}

/** Octokit's RequestError keeps the response body in `response.data`; GitHub puts `message` there. */
function messageOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const data = responseData(error);
  if (data !== undefined && "message" in data && typeof data.message === "string")
    return data.message;
  return error instanceof Error ? error.message : String(error);
}

/** The `errors` of Octokit's GraphqlResponseError (GitHub's answer to a refused GraphQL request). */
function graphqlErrors(error: unknown): unknown[] | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const errors = Reflect.get(error, "errors");
  return Array.isArray(errors) ? errors : undefined;
}

function responseData(error: unknown): object | undefined {
  if (typeof error !== "object" || error === null || !("response" in error)) return undefined;
  const { response } = error;
  if (typeof response !== "object" || response === null || !("data" in response)) return undefined;
  return typeof response.data === "object" && response.data !== null ? response.data : undefined;
}

/** `response.data.errors` of Octokit's RequestError, as lines (none when GitHub gave none). */
function errorsOf(error: unknown): string[] {
  const data = responseData(error);
  const errors = data === undefined ? undefined : Reflect.get(data, "errors");
  if (!Array.isArray(errors)) return [];
  return errors.map((entry: unknown) => {
    if (typeof entry === "string") return entry;
    if (typeof entry !== "object" || entry === null) return String(entry);
    const message = Reflect.get(entry, "message");
    if (typeof message === "string" && message !== "") return message;
    const parts = ["resource", "field", "code"].map((key) => Reflect.get(entry, key));
    return parts.filter((part) => typeof part === "string").join(" ");
  });
}

function hint(status: number | undefined): string {
  switch (status) {
    case undefined:
      return "GitHub could not be reached; check the network and retry";
    case 401:
      return "the installation token is missing or expired; re-authenticate the App";
    case 403:
      return "the App lacks a permission (it needs contents: write; changes under .github/workflows are refused without the workflows permission) or hit a rate limit";
    case 404:
      return "the repository, commit or ref does not exist, or the App is not installed on this repository";
    case 409:
      return "the repository is empty; push a first commit to its default branch";
    case 422:
      return "GitHub rejected the request as invalid";
    default:
      return status >= 500 ? "GitHub had a server error; retry later" : "see GitHub's message";
  }
}
