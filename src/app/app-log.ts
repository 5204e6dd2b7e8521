/**
 * The few logger methods the App uses. Probot's pino logger fits; tests pass a recorder. Fields
 * first, then the message, as pino takes them.
 */
export interface AppLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
