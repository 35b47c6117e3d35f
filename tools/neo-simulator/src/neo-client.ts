/**
 * NEO's two calls to a provider's callback URL (callback contract v1), as NEO makes them, so an
 * operator can check their own integration: `identify` (who is this login?) and `authorise`
 * (may this subscriber use this product now?).
 */
export interface CallbackAnswer {
  readonly status: number;
  readonly body: unknown;
}

const answerOf = async (response: Response): Promise<CallbackAnswer> => {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: shown as text
  }
  return { status: response.status, body };
};

const base = (callbackUrl: string) => callbackUrl.replace(/\/+$/, '');

export async function neoIdentify(callbackUrl: string, login: string, password: string, timeoutMs = 10_000): Promise<CallbackAnswer> {
  const response = await fetch(`${base(callbackUrl)}/identify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return answerOf(response);
}

export async function neoAuthorise(callbackUrl: string, subscriberId: string, product: string, timeoutMs = 10_000): Promise<CallbackAnswer> {
  const query = new URLSearchParams({ subscriber_id: subscriberId, product });
  return answerOf(await fetch(`${base(callbackUrl)}/authorise?${query}`, { signal: AbortSignal.timeout(timeoutMs) }));
}
