import { join } from "node:path";
import { ArchiveIndex, ArchiveTools } from "../archive/index.ts";
import { experiment, type SessionState } from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import type { ToolBox } from "../proposer/index.ts";

/**
 * The archive tools of a local session: one SQLite index under `.autoopt/<session>/`, brought up
 * to date before each proposal, and tools over the folder and the candidate's files.
 */
export class LocalTools {
  private readonly sessionDir: string;
  private readonly forge: Forge;
  private index?: ArchiveIndex;

  constructor(sessionDir: string, forge: Forge) {
    this.sessionDir = sessionDir;
    this.forge = forge;
  }

  async for(state: SessionState, files: ReadonlyMap<string, string>): Promise<ToolBox> {
    this.index ??= ArchiveIndex.open(join(this.sessionDir, "index.sqlite"));
    await this.index.sync(state, this.sessionDir);
    const tools = new ArchiveTools({
      sessionDir: this.sessionDir,
      index: this.index,
      candidate: files,
      diff: (from, to) => this.forge.diff(from, to),
      shaOf: (n) => experiment(state, n)?.sha,
      ratchetSha: () => state.ratchetSha,
    });
    return {
      definitions: () => tools.toolDefinitions(),
      call: (name, args) => tools.call(name, args),
    };
  }

  close(): void {
    this.index?.close();
  }
}
