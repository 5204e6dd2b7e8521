import { z } from "zod";
import { type Config, ConfigError, loadConfig } from "../config/index.ts";
import type { IssueApi } from "./handlers/issue-api.ts";
import { statusOf } from "./handlers/issue-api.ts";

/** Where the App reads its config, as `autoopt init --github` writes it. */
export const CONFIG_PATH = ".github/autoopt.yml";

export interface ConfigSource {
  owner: string;
  repo: string;
  defaultBranch: string;
}

/** The config, or the markdown reply that says why there is none and how to fix that. */
export type RepoConfig = { ok: true; config: Config } | { ok: false; reply: string };

// A file up to 1 MB comes inline as base64; past that GitHub sends `encoding: "none"` and no content.
const FileContent = z.looseObject({
  type: z.literal("file"),
  encoding: z.string(),
  content: z.string(),
});

/**
 * Reads and validates `.github/autoopt.yml` on the default branch: the trusted base, never a
 * branch a proposal could have edited. Throws only for API failures other than "not found".
 */
export async function configFromRepo(api: IssueApi, at: ConfigSource): Promise<RepoConfig> {
  let data: unknown;
  try {
    const params = { owner: at.owner, repo: at.repo, path: CONFIG_PATH, ref: at.defaultBranch };
    ({ data } = await api.rest.repos.getContent(params));
  } catch (error) {
    if (statusOf(error) === 404) return { ok: false, reply: missingReply(at.defaultBranch) };
    throw error;
  }
  const file = FileContent.safeParse(data);
  if (!file.success) return { ok: false, reply: notAFileReply(at.defaultBranch, data) };
  if (file.data.encoding !== "base64") return { ok: false, reply: tooLargeReply(at.defaultBranch) };
  const text = Buffer.from(file.data.content, "base64").toString("utf8");
  try {
    return { ok: true, config: loadConfig(text, CONFIG_PATH) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, reply: invalidReply(at, error) };
    throw error;
  }
}

function missingReply(branch: string): string {
  return [
    `autoopt needs \`${CONFIG_PATH}\` on \`${branch}\` (the default branch), and there is none, so nothing was started.`,
    "",
    "To create it, run this in a clone of the repository:",
    "",
    "```sh",
    "npx autoopt init --github",
    "```",
    "",
    `It writes \`${CONFIG_PATH}\` and the experiment workflow \`.github/workflows/autoopt-experiment.yml\`. Review both, commit them to \`${branch}\`, then comment the command again.`,
  ].join("\n");
}

function notAFileReply(branch: string, data: unknown): string {
  const what = Array.isArray(data) ? "a directory" : "not a regular file (a symlink or submodule)";
  return `\`${CONFIG_PATH}\` on \`${branch}\` is ${what}, so nothing was started. Replace it with the YAML file \`npx autoopt init --github\` writes, commit it to \`${branch}\`, then comment the command again.`;
}

function tooLargeReply(branch: string): string {
  return `\`${CONFIG_PATH}\` on \`${branch}\` is larger than 1 MB, so GitHub does not send its content and nothing was started. A config is a few dozen lines: regenerate it with \`npx autoopt init --github --force\`, commit it to \`${branch}\`, then comment the command again.`;
}

function invalidReply(at: ConfigSource, error: ConfigError): string {
  const count = error.problems.length;
  return [
    `\`${CONFIG_PATH}\` on \`${at.defaultBranch}\` has ${count === 1 ? "a problem" : `${count} problems`}, so nothing was started:`,
    "",
    ...error.problems.map((problem) => `- ${problem}`),
    "",
    `Fix ${count === 1 ? "it" : "them"} on \`${at.defaultBranch}\`, then comment the command again. \`npx autoopt init --github\` shows a valid file.`,
  ].join("\n");
}
