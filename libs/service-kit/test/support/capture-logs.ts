import { Writable } from 'node:stream';
import { createLogger, type Logger, type LoggerConfig } from '../../src/index.ts';

/** A logger whose JSON lines the test can read back. */
export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Every line logged so far, as written. */
  text(): string;
}

export function captureLogs(config: Partial<LoggerConfig> = {}): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ name: 'test', level: 'trace', ...config, destination });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
