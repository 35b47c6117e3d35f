/**
 * Runs the NEO simulator from the command line:
 *
 *   node --import tsx tools/neo-simulator/src/main.ts --port 4010 --products products.json \
 *     --client-id demo --client-secret demo-secret [--host 127.0.0.1] [--base-path /partner] [--fault http500]
 *
 * Prints the base URL to configure in an integration and stops on SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseProductsFile } from './products-file.ts';
import { NEO_FAULTS, startNeoSimulator } from './simulator.ts';
import type { NeoFault, NeoProduct } from './simulator.ts';

const USAGE = `usage: neo-simulator [--port 4010] [--host 127.0.0.1] [--base-path /partner]
                     [--products products.json] [--client-id demo] [--client-secret demo-secret]
                     [--fault ${NEO_FAULTS.join('|')}]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'base-path': { type: 'string', default: '' },
      products: { type: 'string' },
      'client-id': { type: 'string', default: 'demo' },
      'client-secret': { type: 'string', default: 'demo-secret' },
      fault: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer between 0 and 65535, got '${values.port}'`);
  }
  if (values.fault !== undefined && !isFault(values.fault)) {
    throw new UsageError(`--fault must be one of ${NEO_FAULTS.join(', ')}, got '${values.fault}'`);
  }
  let products: NeoProduct[] | undefined;
  if (values.products !== undefined) {
    products = parseProductsFile(await readFile(values.products, 'utf8'));
  }

  const simulator = await startNeoSimulator({
    port,
    host: values.host,
    basePath: values['base-path'],
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    fault: values.fault ?? null,
    logger: true,
    ...(products ? { products } : {}),
  });
  console.log(`NEO simulator listening at ${simulator.url} (client id '${simulator.credentials.clientId}')`);

  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function isFault(value: string): value is NeoFault {
  return (NEO_FAULTS as readonly string[]).includes(value);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `neo-simulator: ${error.message}` : error);
  if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(USAGE);
  }
  process.exit(1);
});
