/** A response as an app sent it, for tests that check responses against the OpenAPI document. */
export interface SentResponse {
  readonly method: string;
  /** The matched route pattern (`/v1/packages/:id`); undefined when no route matched. */
  readonly route: string | undefined;
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body as text ('' when empty or streamed). */
  readonly body: string;
}

const observers = new Set<(response: SentResponse) => void>();

/**
 * Call `observer` with every response any app of this process sends (`createHttpApp` reports them
 * from its last `onSend` hook); returns the function that stops it. For tests
 * (`@sva/service-kit/testing`): with no observer the hook does nothing.
 */
export function observeResponses(observer: (response: SentResponse) => void): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Whether anyone listens (the hook skips its work otherwise). */
export const responsesObserved = (): boolean => observers.size > 0;

/** Report a sent response to the observers. */
export function reportResponse(response: SentResponse): void {
  for (const observer of observers) observer(response);
}
