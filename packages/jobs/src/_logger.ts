import type { Logger } from "@neuropose/io";

type Fields = Record<string, unknown>;
export type FullLogger = Required<Logger>;

const noop = () => {};

/** A logger with every method, adding `fields` (job, video) to every line. */
export function withFields(logger: Logger | undefined, fields: Fields): FullLogger {
  const wrap = (fn: ((m: string, f?: Fields) => void) | undefined) =>
    fn ? (m: string, f?: Fields) => fn.call(logger, m, { ...fields, ...f }) : noop;
  return {
    debug: wrap(logger?.debug),
    info: wrap(logger?.info),
    warn: wrap(logger?.warn),
    error: wrap(logger?.error),
  };
}
