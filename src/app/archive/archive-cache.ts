import { join } from "node:path";
import { SessionArchive } from "./session-archive.ts";

/** An owner, repository or session name that is safe as one folder name. */
const FOLDER_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The App's cache of session archives: `<root>/<owner>/<repo>/<session>/`, each laid out like a
 * local session's `.autoopt/<session>/`, so the archive index and tools work on it unchanged. It
 * is a cache: the ledger branch and the runs' artifacts stay the record, and a missing or stale
 * folder only means the proposer's tools show less.
 */
export class ArchiveCache {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** One session's folder, or undefined when a name could not be a plain folder name. */
  session(owner: string, repo: string, session: string): SessionArchive | undefined {
    const names = [owner, repo, session];
    if (!names.every((n) => FOLDER_NAME.test(n) && n !== "." && n !== "..")) return undefined;
    return new SessionArchive(join(this.root, ...names));
  }
}
