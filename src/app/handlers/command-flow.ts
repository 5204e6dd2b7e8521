import type { AppLog } from "../app-log.ts";
import type { Command, ParsedCommand } from "../commands/parse-command.ts";
import { usage } from "../commands/parse-command.ts";
import { configFromRepo } from "../config-from-repo.ts";
import type { IssueRef, SessionService } from "../session-service.ts";
import type { IssueApi } from "./issue-api.ts";
import { accessOf } from "./permission.ts";
import { failureReply, pullRequestReply, refusalReply } from "./replies.ts";

/** A `/autoopt` comment, checked and parsed, ready to be carried out in the background. */
export interface CommandRequest {
  at: IssueRef;
  commentId: number;
  commenter: string;
  parsed: ParsedCommand;
  onPullRequest: boolean;
  delivery: string;
}

export interface CommandDeps {
  sessions: SessionService;
  log: AppLog;
}

/**
 * Everything a command needs the GitHub API for, run after the webhook has been answered: the
 * 👀 reaction first (the commenter sees at once that it was heard), then the checks, then the
 * session call, and always one reply, so that no command ends in silence. A command the App
 * had already reacted to is a redelivery, and gets nothing more.
 */
export async function carryOut(api: IssueApi, deps: CommandDeps, request: CommandRequest) {
  const { at, delivery } = request;
  const repo = { owner: at.owner, repo: at.repo };
  if ((await react(api, deps, request)) === "already") {
    const fields = { delivery, repo: `${at.owner}/${at.repo}`, issue: at.issue };
    deps.log.info(fields, "ignored a command autoopt had already reacted to (a redelivery)");
    return;
  }
  let reply: string;
  try {
    reply = await answer(api, deps, request);
  } catch (error) {
    deps.log.error({ err: error, delivery, issue: at.issue }, "command failed");
    reply = failureReply(commandName(request.parsed), error, delivery);
  }
  // A session may have nothing to add; GitHub refuses an empty comment, and 👀 was the answer.
  if (reply.trim() === "") return;
  await api.rest.issues.createComment({ ...repo, issue_number: at.issue, body: reply });
}

/**
 * The 👀. GitHub answers 201 when it adds the reaction and 200 when the App had already added
 * it: then an earlier delivery of this comment was heard, by this process or one before a
 * restart, at no request beyond the reaction itself. The App keeps no state, and GitHub keeps
 * this one. A failed reaction tells neither, so the command goes on.
 */
async function react(api: IssueApi, deps: CommandDeps, request: CommandRequest) {
  const { at } = request;
  try {
    const { status } = await api.rest.reactions.createForIssueComment({
      owner: at.owner,
      repo: at.repo,
      comment_id: request.commentId,
      content: "eyes",
    });
    return status === 200 ? "already" : "added";
  } catch (error) {
    // The reaction is a courtesy; the reply still tells the commenter what happened.
    deps.log.warn({ err: error, delivery: request.delivery }, "could not add the 👀 reaction");
    return "failed";
  }
}

async function answer(api: IssueApi, deps: CommandDeps, request: CommandRequest) {
  const { at, parsed } = request;
  if (request.onPullRequest) return pullRequestReply();
  const access = await accessOf(api, at, request.commenter);
  if (!access.allowed) {
    deps.log.info({ delivery: request.delivery, role: access.role }, "refused a command");
    return refusalReply(request.commenter, `${at.owner}/${at.repo}`, access.role);
  }
  if (!parsed.ok) return parsed.error;
  // Who asked goes along (sessions name them, e.g. "stopped by /autoopt stop from @ada"), though
  // IssueRef does not declare it yet.
  const by = { ...at, sender: request.commenter };
  return run(api, deps.sessions, by, parsed.command);
}

async function run(api: IssueApi, sessions: SessionService, at: IssueRef, command: Command) {
  switch (command.name) {
    case "help":
      return usage();
    case "start": {
      // Only `start` reads the config: a broken file must not keep anyone from stopping a session.
      const config = await configFromRepo(api, at);
      return config.ok ? sessions.start(at, config.config, command) : config.reply;
    }
    case "stop":
      return sessions.stop(at);
    case "status":
      return sessions.status(at);
    case "promote":
      return sessions.promote(at);
  }
}

function commandName(parsed: ParsedCommand): string | undefined {
  return parsed.ok ? parsed.command.name : undefined;
}
