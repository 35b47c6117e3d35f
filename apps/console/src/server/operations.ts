import billingDocument from '../api/billing.openapi.json' with { type: 'json' };
import catalogDocument from '../api/catalog.openapi.json' with { type: 'json' };
import subscriptionsDocument from '../api/subscriptions.openapi.json' with { type: 'json' };
import { SERVICES, type ServiceName } from './config.ts';
import type { Role } from './roles.ts';

/** One documented operation of a service the console may forward. */
export interface Operation {
  readonly service: ServiceName;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  /** Roles allowed to call it. */
  readonly roles: readonly Role[];
}

/**
 * Changes an `operator` may make (beyond reading): customers, services, the packages on services,
 * trust unblocks. Every other change is `admin`'s; `support` changes nothing. Listed by service
 * and operationId, as the services' OpenAPI documents name them.
 */
export const OPERATOR_CHANGES: Readonly<Record<ServiceName, readonly string[]>> = {
  catalog: [],
  subscriptions: [
    'postCustomers',
    'postCustomersByIdServices',
    'postServicesByIdStatus',
    'postServicesByIdPackages',
    'patchServicesByIdPackagesByAttachmentId',
    'deleteServicesByIdPackagesByAttachmentId',
  ],
  billing: ['postCustomersByIdTrustUnblocks'],
};

const READ = new Set(['GET', 'HEAD']);

/**
 * Each service's OpenAPI document as the console keeps it (`src/api`, the clients are generated
 * from them), imported so that the production bundle carries them.
 */
const documents: Readonly<Record<ServiceName, unknown>> = { catalog: catalogDocument, subscriptions: subscriptionsDocument, billing: billingDocument };

/**
 * The allow-list: every `/v1` operation of the services' documents, with the roles that may call
 * it. Reads are open to every role; changes per {@link OPERATOR_CHANGES}, else admin only. A call
 * that matches no documented operation is not forwarded.
 */
export function loadOperations(read: (service: ServiceName) => unknown = (s) => documents[s]): OperationTable {
  const operations: Array<Operation & { pattern: RegExp }> = [];
  for (const service of SERVICES) {
    const document = read(service) as { paths?: Record<string, Record<string, { operationId?: string }>> };
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(item)) {
        if (!operation?.operationId) continue;
        const upper = method.toUpperCase();
        const roles: Role[] = READ.has(upper)
          ? ['admin', 'operator', 'support']
          : OPERATOR_CHANGES[service].includes(operation.operationId)
            ? ['admin', 'operator']
            : ['admin'];
        operations.push({ service, operationId: operation.operationId, method: upper, path, roles, pattern: templatePattern(path) });
      }
    }
  }
  return {
    all: operations,
    find(service, method, path) {
      return operations.find((op) => op.service === service && op.method === method && op.pattern.test(path));
    },
  };
}

export interface OperationTable {
  readonly all: readonly Operation[];
  find(service: ServiceName, method: string, path: string): Operation | undefined;
}

/** `/v1/packages/{id}` → a pattern matching `/v1/packages/<one segment>`. */
function templatePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/** The name the demo clock is forwarded under: `/api/demo-clock/v1/demo-clock…`. */
export const DEMO_CLOCK = 'demo-clock';

/**
 * The demo clock's operations (tools/embedded, `GET /v1/demo-clock`, `POST /v1/demo-clock/advance`):
 * admin only, and forwarded only when `demoClockUrl` is configured. Its document is served by the
 * embedded system, not kept here, so the two operations are listed by hand.
 */
export const DEMO_CLOCK_OPERATIONS: ReadonlyArray<{ readonly operationId: string; readonly method: string; readonly path: string; readonly roles: readonly Role[] }> = [
  { operationId: 'getDemoClock', method: 'GET', path: '/v1/demo-clock', roles: ['admin'] },
  { operationId: 'postDemoClockAdvance', method: 'POST', path: '/v1/demo-clock/advance', roles: ['admin'] },
];
