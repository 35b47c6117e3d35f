import { connectNatsBus, type Bus } from '@sva/bus';
import type { BaseConfig } from './config.ts';
import type { Resource } from './service-host.ts';

/**
 * The bus a service uses: the injected one (the embedded mode shares one in-process bus, which
 * it closes itself) or its own NATS connection, which the service closes on shutdown. Streams and
 * buckets it creates get `settings.streamReplicas` replicas (`NATS_STREAM_REPLICAS`).
 */
export async function openBus(settings: BaseConfig['bus'], name: string, injected?: Bus): Promise<{ bus: Bus; resources: Resource[] }> {
  if (injected) return { bus: injected, resources: [] };
  if (!settings.natsUrl) throw new Error(`NATS_URL is required when ${name} runs on its own`);
  const bus = await connectNatsBus({
    servers: settings.natsUrl.split(',').map((server) => server.trim()),
    ...(settings.prefix ? { prefix: settings.prefix } : {}),
    ...(settings.streamReplicas ? { streamReplicas: settings.streamReplicas } : {}),
    name,
  });
  return { bus, resources: [{ name: 'bus', close: () => bus.close() }] };
}
