/** The markdown replies the command handler posts itself (the session's replies come from it). */

export function pullRequestReply(): string {
  return [
    "autoopt takes commands on issues, not on pull requests, so nothing was started.",
    "Comment the command on an issue (a new one is fine); the session's winners then come back as a promotion pull request for review.",
  ].join(" ");
}

export function refusalReply(login: string, repository: string, role: string): string {
  return [
    `Thanks for trying autoopt, @${login}! Commanding it takes **write**, **maintain** or **admin** access to \`${repository}\`, and your access is **${role}**, so nothing was run.`,
    "Someone with write access can comment the command for you.",
  ].join(" ");
}

/** An unexpected failure: what failed, that repeating is safe, and where the details are. */
export function failureReply(command: string | undefined, error: unknown, delivery: string) {
  const reason = oneLine(error instanceof Error ? error.message : String(error));
  const what = command === undefined ? "your `/autoopt` command" : `\`/autoopt ${command}\``;
  return [
    `autoopt could not finish ${what}: ${reason}`,
    "",
    `This is usually temporary (a GitHub API error or rate limit); commands are safe to repeat, so comment it again in a minute. If it keeps failing, the App's log has the details under delivery \`${delivery}\`.`,
  ].join("\n");
}

/** An error message as one inline code span, short, so it cannot break the comment's markdown. */
function oneLine(message: string): string {
  const line = (message.split("\n")[0] ?? "").replaceAll("`", "'").slice(0, 300);
  return `\`${line || "unknown error"}\``;
}
