const prefix = '/v1/callback/';

/**
 * Hide the secret segment of callback URLs (`/v1/callback/<id>/<secret>/…`): the logger's request
 * serializer and the telemetry's request spans (`main.ts` hands it to `startTelemetry`, which
 * rewrites `url.path` as each span starts) pass every URL through it (R3).
 */
export function redactCallbackUrl(url: string): string {
  const at = url.indexOf(prefix);
  if (at < 0) return url;
  const idEnd = url.indexOf('/', at + prefix.length);
  if (idEnd < 0) return url;
  let secretEnd = idEnd + 1;
  while (secretEnd < url.length && url[secretEnd] !== '/' && url[secretEnd] !== '?') secretEnd += 1;
  // Query-only or id-only URLs have no secret segment; keep them as they are.
  if (secretEnd === idEnd + 1 || (url[idEnd + 1] === '?')) return url;
  return `${url.slice(0, idEnd + 1)}[redacted]${url.slice(secretEnd)}`;
}
