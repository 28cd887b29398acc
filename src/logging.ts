/** What a log line carries besides its level, message and time: values JSON can hold. */
export type LogFields = Record<string, unknown>;

/** The service's one logger: requests, hubs, the queue consumer and the housekeeping job all write through it. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** The same logger with `fields` on every line (a request's id, a hub's log). */
  with(fields: LogFields): Logger;
}

/** One JSON object per line, so Workers Logs / `wrangler tail` can filter on fields. */
export const createLogger = (base: LogFields = {}): Logger => {
  const write = (level: "info" | "error", message: string, fields?: LogFields) =>
    console.log(JSON.stringify({ level, message, ...base, ...fields, time: new Date().toISOString() }));
  return {
    info: (message, fields) => write("info", message, fields),
    error: (message, fields) => write("error", message, fields),
    with: (fields) => createLogger({ ...base, ...fields }),
  };
};

/** An error as a log field: its message, without the stack. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
