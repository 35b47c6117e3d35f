/**
 * Where messages live. Subjects read `<publisher>.<aggregate>.<event-in-past-tense>.v1`.
 * Each service owns one stream holding the subjects it publishes; request/reply subjects live
 * under `rpc.` so that no stream ever captures a request.
 */
export const streams = {
  catalog: { name: 'CATALOG', subjects: ['catalog.>'] },
  subscriptions: { name: 'SUBSCRIPTIONS', subjects: ['subscriptions.>'] },
  billing: { name: 'BILLING', subjects: ['billing.>'] },
  /**
   * Facts from the provider's financial system (outside this product). billing-status owns and
   * creates this stream; the financial system publishes to it (or calls billing-status's HTTP API).
   */
  finance: { name: 'FINANCE', subjects: ['finance.>'] },
  gateway: { name: 'GATEWAY', subjects: ['gateway.>'] },
} as const;

export const subjects = {
  catalog: {
    integrationChanged: 'catalog.integration.changed.v1',
    productChanged: 'catalog.product.changed.v1',
    packageChanged: 'catalog.package.changed.v1',
    planChanged: 'catalog.plan.changed.v1',
  },
  subscriptions: {
    entitlementChanged: 'subscriptions.entitlement.changed.v1',
    /** R20: a competência was closed (`BillingPeriodClosedV1`, with totals). */
    billingPeriodClosed: 'subscriptions.billing-period.closed.v1',
    /** R18: one line of a closed competência (`BillingLineV1`), msgID = line id. */
    billingLineClosed: 'subscriptions.billing-line.closed.v1',
  },
  billing: {
    standingChanged: 'billing.standing.changed.v1',
  },
  finance: {
    invoiceIssued: 'finance.invoice.issued.v1',
    invoicePaid: 'finance.invoice.paid.v1',
    invoiceCancelled: 'finance.invoice.cancelled.v1',
    invoiceDueDateChanged: 'finance.invoice.due-date-changed.v1',
  },
  gateway: {
    /** A batch of authorisation decisions (audit). */
    decisionsRecorded: 'gateway.decisions.recorded.v1',
  },
  rpc: {
    catalogGetPackage: 'rpc.catalog.package.get.v1',
    catalogGetIntegration: 'rpc.catalog.integration.get.v1',
    catalogGetPlan: 'rpc.catalog.plan.get.v1',
  },
} as const;

/**
 * Keyed last-value stores (NATS KV buckets). The gateway's view is built from these two:
 * it bootstraps from the latest value per key, then follows changes.
 */
export const buckets = {
  /** Key: integration id. Value: `GatewayIntegrationV1`. Written by catalog. */
  gatewayIntegrations: 'gateway-integrations',
  /** Key: `<integrationId>.<customerId>`. Value: `EntitlementV1`. Written by subscriptions. */
  entitlements: 'entitlements',
} as const;

/** KV key of an entitlement record. */
export function entitlementKey(integrationId: string, customerId: string): string {
  return `${integrationId}.${customerId}`;
}
