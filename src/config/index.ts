export { ByteSize, formatByteSize, parseByteSize } from "./byte-size.ts";
export {
  Config,
  type ConfigInput,
  type DataEntry,
  DataPhase,
  type Goal,
  Objective,
} from "./config.ts";
export { ConfigError } from "./config-error.ts";
export { Duration, formatDuration, parseDuration } from "./duration.ts";
export { findContradictions } from "./find-contradictions.ts";
export { configJsonSchema } from "./json-schema.ts";
export { loadConfig } from "./load-config.ts";
