/** A GitHub REST call that failed, with GitHub's own message and what to do about it. */
export class GitHubApiError extends Error {
  /** The HTTP status, or undefined when no response came back (network, DNS, abort). */
  readonly status: number | undefined;
  /** GitHub's `message` field, e.g. "Update is not a fast forward". */
  readonly githubMessage: string;

  constructor(request: string, error: unknown) {
    const status = statusOf(error);
    const githubMessage = messageOf(error);
    super(
      `GitHub ${request} failed${status === undefined ? "" : ` with ${status}`}: ${githubMessage}; ${hint(status)}`,
      { cause: error },
    );
    this.name = "GitHubApiError";
    this.status = status;
    this.githubMessage = githubMessage;
  }

  /** A 422 whose message matches, e.g. `is(422, /fast forward/i)`. */
  is(status: number, message: RegExp): boolean {
    return this.status === status && message.test(this.githubMessage);
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  return typeof error.status === "number" ? error.status : undefined;
}

/** Octokit's RequestError keeps the response body in `response.data`; GitHub puts `message` there. */
function messageOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  if ("response" in error && typeof error.response === "object" && error.response !== null) {
    const { response } = error;
    if ("data" in response && typeof response.data === "object" && response.data !== null) {
      const { data } = response;
      if ("message" in data && typeof data.message === "string") return data.message;
    }
  }
  return error instanceof Error ? error.message : String(error);
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
