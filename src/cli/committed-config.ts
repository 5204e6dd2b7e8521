import { relative } from "node:path";
import { type Config, loadConfig } from "../config/index.ts";
import type { LocalForge } from "../forge/local/index.ts";

/**
 * The config file as committed at `sha` (a run cannot rewrite a commit), or undefined when the
 * file is outside the repository, absent at that commit, or not a valid config there.
 */
export async function committedConfig(
  forge: LocalForge,
  repo: string,
  configPath: string,
  sha: string,
): Promise<Config | undefined> {
  const path = relative(repo, configPath);
  if (path.startsWith("..")) return undefined;
  const text = (await forge.readFiles(sha, [path])).get(path);
  if (text === undefined) return undefined;
  try {
    return loadConfig(text, `${path} at ${sha.slice(0, 7)}`);
  } catch {
    return undefined;
  }
}
