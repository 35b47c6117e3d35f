/**
 * The one rule deciding what of a request URL may be written to logs and spans. Every service's
 * request log lines (`createLogger`) and request spans (`startTelemetry`) pass their URL through
 * {@link redactRequestUrl}; nothing else logs a URL.
 *
 * The rule works on the decoded, normalised URL, as the router sees it: `/v1/%63allback/<id>/<secret>`
 * reaches the callback route, so it is redacted as the callback URL it is. The logged form is
 * that normalised URL (percent-escapes decoded, empty segments dropped), never the raw one.
 */

/** Query parameters whose values are personal data or secrets, by lower-cased name (`[]` suffixes ignored). */
export const redactedQueryParameters: ReadonlySet<string> = new Set([
  'document',
  'cpf',
  'cnpj',
  'login',
  'email',
  'e-mail',
  'e_mail',
  'phone',
  'name',
  'password',
  'passwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'apikey',
  'api_key',
  'api-key',
  'key',
  'authorization',
  'signature',
]);

/**
 * Path segments that follow a `callback` segment hold `<integrationId>/<secret>` (the gateway's
 * callback contract, R3): the second one is the secret.
 */
const CALLBACK_SEGMENT = 'callback';

const REDACTED = '[redacted]';

/** Values personal whatever their parameter: CPF (11 digits), CNPJ (14), e-mail addresses. */
const personalValue = [
  /^\d{3}\.?\d{3}\.?\d{3}-?\d{2}$/,
  /^\d{2}\.?\d{3}\.?\d{3}\/?\d{4}-?\d{2}$/,
  /^[^@\s/]+@[^@\s/]+\.[^@\s/]+$/,
];

const looksPersonal = (value: string): boolean => personalValue.some((pattern) => pattern.test(value.trim()));

/**
 * Decode percent-escapes without ever throwing: each run of valid `%XX` escapes is decoded as
 * UTF-8 (invalid sequences become U+FFFD), a stray `%` stays as it is.
 */
export function lenientDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/**
 * A request URL (path and query) fit for logs and spans: the decoded, normalised path with the
 * callback secret replaced by `[redacted]`, as are path segments that look like a CPF, CNPJ or
 * e-mail address; query parameters named in {@link redactedQueryParameters}, or whose value looks
 * personal, keep their name and lose their value.
 */
export function redactRequestUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : url.slice(queryAt + 1);
  // Segments as the router splits them (on the raw `/`), each decoded. An escaped `/` inside one
  // (`callback%2F<id>%2F<secret>`) does not route, but the secret must not be logged either: the
  // callback rule looks at the pieces too, and hides the whole segment a secret piece is in.
  const segments = path.split('/').filter((segment) => segment !== '').map(lenientDecode);
  const pieces = segments.flatMap((segment, index) => segment.split('/').filter((piece) => piece !== '').map((piece) => ({ piece, index })));
  const hidden = new Set<number>();
  pieces.forEach(({ piece, index }, at) => {
    if (looksPersonal(piece) || (at >= 2 && pieces[at - 2]!.piece.toLowerCase() === CALLBACK_SEGMENT)) hidden.add(index);
  });
  segments.forEach((segment, index) => {
    if (looksPersonal(segment)) hidden.add(index);
  });
  const normalisedPath = `/${segments.map((segment, index) => (hidden.has(index) ? REDACTED : segment)).join('/')}`;
  return query === undefined ? normalisedPath : `${normalisedPath}?${redactQuery(query)}`;
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      const name = lenientDecode(rawName.replace(/\+/g, ' '));
      if (equals < 0) return name;
      const value = lenientDecode(pair.slice(equals + 1).replace(/\+/g, ' '));
      const key = name.trim().toLowerCase().replace(/\[\]$/, '');
      return `${name}=${redactedQueryParameters.has(key) || looksPersonal(value) ? REDACTED : value}`;
    })
    .join('&');
}

/** CPF, CNPJ and e-mail shapes inside free text (an error message echoing its input). */
const personalInText = /\b\d{3}\.?\d{3}\.?\d{3}-?\d{2}\b|\b\d{2}\.?\d{3}\.?\d{3}\/?\d{4}-?\d{2}\b|[^@\s/"'<>()]+@[^@\s/"'<>()]+\.[A-Za-z]{2,}/g;

/**
 * Free text fit for logs and spans: what looks like a CPF, CNPJ or e-mail address replaced by
 * `[redacted]`. For error messages and stack traces, which may quote a request's input.
 */
export function redactText(text: string): string {
  return text.replace(personalInText, REDACTED);
}
