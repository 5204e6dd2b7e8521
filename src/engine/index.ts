export { ArchiveWriter, writeAtomic } from "./archive-writer.ts";
export { Engine, type EngineOptions } from "./engine.ts";
export type { EngineEvent } from "./engine-event.ts";
export type { ExecuteInput, Executor } from "./executor.ts";
export { filesHash, historyOf } from "./history.ts";
export { LedgerFile } from "./ledger-file.ts";
export { LocalExecutor } from "./local-executor.ts";
export { SessionLock } from "./session-lock.ts";
export { type SessionPaths, sessionPaths } from "./session-paths.ts";
