export {
  ArchiveIndex,
  type ArchiveIndexOptions,
  type SyncOptions,
  type SyncReport,
} from "./archive-index.ts";
export { ArchiveTools, type ArchiveToolsOptions } from "./archive-tools.ts";
export { QueryError } from "./query-client.ts";
export type { QueryResult, SqlValue } from "./query-protocol.ts";
export { TOOL_NAMES, type ToolDefinition, type ToolName } from "./tool-schemas.ts";
