import { type CollectionResult, type DataPoint, type Histogram, MetricReader } from '@opentelemetry/sdk-metrics';

/** A metric reader the test collects from on demand. */
export class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The data points of one metric, by name, from a collection. */
export function pointsOf(result: CollectionResult, name: string): Array<DataPoint<number | Histogram>> {
  return result.resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.filter((metric) => metric.descriptor.name === name).flatMap((metric) => metric.dataPoints as Array<DataPoint<number | Histogram>>));
}

/** A counter's or gauge's value, or a histogram's count, summed over the points whose attributes include `where`. */
export function total(result: CollectionResult, name: string, where: Record<string, string | number> = {}): number {
  return pointsOf(result, name)
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (typeof point.value === 'number' ? point.value : point.value.count), 0);
}

/**
 * Metric names the alert rules query that these services export (`sva_*`, `http_server_*`,
 * `messaging_*`): label selectors `{…}` and `by (…)` groupings are dropped first, since label names
 * look like metric names.
 */
export function serviceMetricsInRules(rulesYaml: string): string[] {
  const exprs = [...rulesYaml.matchAll(/expr: (\|\n(?:\s{12,}.*\n)+|.*)/g)].map((match) => match[1]!);
  const names = exprs.flatMap((expr) => {
    const bare = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '');
    return [...bare.matchAll(/\b(?:sva|http_server|messaging)_[a-z_]+\b/g)].map((match) => match[0]);
  });
  return [...new Set(names)].sort();
}

/** Series names in Prometheus exposition text (`name{labels} value` lines). */
export function seriesNames(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? ''),
  );
}
