import { type Attributes, metrics } from '@opentelemetry/api';
import type { HttpApp } from './http.ts';
import { probePaths } from './telemetry.ts';

/** Methods kept as they are in the `http.request.method` attribute; anything else is `_OTHER` (semantic conventions). */
const knownMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Bucket bounds (seconds) for request durations, from the HTTP semantic conventions: fine below
 * 100 ms, where the gateway's answers live, coarse up to 10 s.
 */
export const httpDurationBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Records `http.server.request.duration` (histogram, seconds) for every answered request, with the
 * route pattern (`http.route`, e.g. `/v1/customers/:id` — never the raw URL, which may hold ids or
 * the gateway's callback secret), the method and the status code (`error.type` on 5xx). Its count
 * is the request rate and, by status, the error rate. Probe paths are left out.
 *
 * Uses the global meter provider: a no-op until `startTelemetry` registered one, so call this when
 * building the app, not at module load.
 */
export function recordHttpMetrics(app: HttpApp): void {
  const duration = metrics.getMeter('@sva/service-kit').createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP requests served, by route, method and status code.',
    advice: { explicitBucketBoundaries: [...httpDurationBuckets] },
  });
  // A callback hook, not an async one: no promise per request on the services' hot paths.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && probePaths.has(route)) return done();
    const attributes: Attributes = {
      'http.request.method': knownMethods.has(request.method) ? request.method : '_OTHER',
      'http.response.status_code': reply.statusCode,
    };
    // Unmatched requests (404) have no route: leaving it out keeps scanners from inventing label values.
    if (route !== undefined) attributes['http.route'] = route;
    if (reply.statusCode >= 500) attributes['error.type'] = String(reply.statusCode);
    duration.record(reply.elapsedTime / 1_000, attributes);
    done();
  });
}
