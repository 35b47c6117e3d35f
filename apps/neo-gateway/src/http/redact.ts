/** Hide the secret segment of callback URLs (`/v1/callback/<id>/<secret>/…`) in logs and traces. */
export function redactCallbackUrl(url: string): string {
  return url.replace(/^(\/v1\/callback\/[^/?]*\/)[^/?]*/, '$1[redacted]');
}
