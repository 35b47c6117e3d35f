/** Base class of the bus's own failures. */
export class BusError extends Error {
  override readonly name: string = 'BusError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Nobody answers requests on this subject. */
export class NoResponderError extends BusError {
  override readonly name = 'NoResponderError';
  constructor(readonly subject: string, options?: { cause?: unknown }) {
    super(`no responder for ${subject}`, options);
  }
}

/** A request got no answer in time. */
export class RequestTimeoutError extends BusError {
  override readonly name = 'RequestTimeoutError';
  constructor(readonly subject: string, readonly timeoutMs: number, options?: { cause?: unknown }) {
    super(`request on ${subject} timed out after ${timeoutMs} ms`, options);
  }
}

/** The responder failed; its message is carried along. */
export class RequestFailedError extends BusError {
  override readonly name = 'RequestFailedError';
  constructor(readonly subject: string, readonly reason: string) {
    super(`request on ${subject} failed: ${reason}`);
  }
}

/** The bus is closed or not connected and cannot take the operation now. */
export class BusUnavailableError extends BusError {
  override readonly name = 'BusUnavailableError';
}

/** No stream captures the subject a message was published on (or JetStream is not answering). */
export class NoStreamError extends BusError {
  override readonly name = 'NoStreamError';
  constructor(readonly subject: string, options?: { cause?: unknown }) {
    super(`no stream captures ${subject}`, options);
  }
}

/** A consumer was asked for on a stream that does not exist (call `ensureStream` first). */
export class StreamNotFoundError extends BusError {
  override readonly name = 'StreamNotFoundError';
  constructor(readonly stream: string, options?: { cause?: unknown }) {
    super(`stream ${stream} not found`, options);
  }
}

/** A key-value key outside `[A-Za-z0-9_=.-]` (or starting, ending or doubling a `.`). */
export class InvalidKeyError extends BusError {
  override readonly name = 'InvalidKeyError';
  constructor(readonly key: string) {
    super(`invalid key ${JSON.stringify(key)}: use [A-Za-z0-9_=.-], no leading, trailing or double dot`);
  }
}

/** A stored object could not be read whole (digest mismatch, or replaced while being read). */
export class ObjectReadError extends BusError {
  override readonly name = 'ObjectReadError';
  constructor(readonly bucket: string, readonly object: string, options?: { cause?: unknown }) {
    super(`object ${object} in ${bucket} could not be read whole`, options);
  }
}

/**
 * A consumer handler threw. The delivery was nak'ed with backoff (unless the handler had settled it);
 * reported through the adapter's `onError` so that the failure is not silent.
 */
export class HandlerFailedError extends BusError {
  override readonly name = 'HandlerFailedError';
  constructor(
    readonly subject: string,
    readonly durable: string,
    readonly deliveryCount: number,
    options?: { cause?: unknown },
  ) {
    super(`handler of ${durable} failed on ${subject} (delivery ${deliveryCount})`, options);
  }
}
