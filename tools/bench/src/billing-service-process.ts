import { buildBillingService, loadConfig as loadBillingConfig } from '@sva/billing-status';
import { FixedClock } from '@sva/kernel';
import { buildGatewayService, loadConfig as loadGatewayConfig } from '@sva/neo-gateway';
import { runMain, type Service } from '@sva/service-kit';
import { buildSubscriptionsService, loadConfig as loadSubscriptionsConfig } from '@sva/subscriptions';

/**
 * One service of the billing benchmark, in its own process, as its `main.ts` runs it (config from
 * the environment, graceful shutdown on SIGTERM): `billing-service-process.ts <billing|subscriptions|gateway>`.
 * billing-status gets a FixedClock the benchmark moves: started at `BENCH_CLOCK_START`, set by
 * `{ type: 'clock', now }` messages on the IPC channel (answered `{ type: 'clock-set' }`).
 * Forked by `billing-daily-pass.ts` only; its own entry point also keeps the benchmark's processes
 * apart from other runs of the services' `main.ts` on the same machine.
 */
const service = process.argv[2];

function clockedBilling(): Promise<Service> {
  const start = process.env.BENCH_CLOCK_START;
  if (!start || !process.send) throw new Error('billing is forked by the benchmark (BENCH_CLOCK_START and an IPC channel)');
  const clock = new FixedClock(start);
  process.on('message', (message: { type?: string; now?: string }) => {
    if (message.type !== 'clock' || !message.now) return;
    clock.set(message.now);
    process.send!({ type: 'clock-set', now: clock.now().toISOString() });
  });
  return buildBillingService(loadBillingConfig(), { clock });
}

await runMain(async () => {
  switch (service) {
    case 'billing':
      return clockedBilling();
    case 'subscriptions':
      return buildSubscriptionsService(loadSubscriptionsConfig());
    case 'gateway':
      return buildGatewayService(loadGatewayConfig());
    default:
      throw new Error(`unknown service ${JSON.stringify(service)}: billing, subscriptions or gateway`);
  }
});
