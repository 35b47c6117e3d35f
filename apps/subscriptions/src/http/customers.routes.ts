import { EntitlementV1 } from '@sva/contracts';
import type { HttpApp } from '@sva/service-kit';
import type { SubscriptionsContext } from '../context.ts';
import { customerNotFound } from '../domain/errors.ts';
import { historyText, historyWho } from '../domain/history-words.ts';
import type { HistoryAction } from '../domain/history.ts';
import type { ServiceStatus } from '../domain/service-status.ts';
import { toHeldAttachment } from '../use-cases/attachment.ts';
import { searchCustomers, type CustomerPosition } from '../use-cases/customer-search.ts';
import { createCustomer } from '../use-cases/customers.ts';
import { customerDecisions } from '../use-cases/decisions.ts';
import { explainForCustomer, explainLanguage } from '../use-cases/explain.ts';
import { historyNames } from '../use-cases/history.ts';
import { createService } from '../use-cases/services.ts';
import { actorOf, BigIntCursor, decodeCursor, encodeCursor, idempotent, NameCursor, TimeBigIntCursor, TimeCursor } from './request-context.ts';
import {
  CustomerBody,
  CustomerCreatedResource,
  CustomerListQuery,
  CustomerResource,
  CustomerSummary,
  DecisionItem,
  DecisionsQuery,
  ExplainQuery,
  ExplanationResource,
  HistoryItem,
  HistoryQuery,
  IdempotentHeaders,
  IdParams,
  page,
  ServiceBody,
  ServiceCreatedResource,
} from './schemas.ts';

const tags = ['customers'];

const timePosition = (cursor: { at: string; id: string } | undefined): CustomerPosition | undefined => (cursor ? { by: 'created', at: new Date(cursor.at), id: cursor.id } : undefined);
const namePosition = (cursor: { n: string } | undefined): CustomerPosition | undefined => (cursor ? { by: 'name', id: cursor.n } : undefined);

export function customerRoutes(app: HttpApp, ctx: SubscriptionsContext): void {
  app.post('/v1/customers', {
    schema: {
      tags,
      summary: 'Register a customer',
      description: 'The CPF/CNPJ is validated (check digits) and kept only as a keyed hash and a masked form. Safe to retry with an Idempotency-Key.',
      headers: IdempotentHeaders,
      body: CustomerBody,
      response: { 201: CustomerCreatedResource },
    },
  }, async (request, reply) =>
    idempotent(ctx, request, reply, 'create-customer', {}, 201, (idempotency) => createCustomer(ctx, request.body, { actor: actorOf(request), idempotency })),
  );

  app.get('/v1/customers', {
    schema: {
      tags,
      summary: 'Find customers by name, CPF/CNPJ, customer code, network login or subscriber id, or list them newest first',
      description:
        'Clientes › busca. Criteria given together must all hold. By `name` the results are ordered by name (accents and case ignored), then id; otherwise newest first. A name term shorter than 3 characters, once accents and spaces are set aside, is refused with SUBSCRIPTIONS_NAME_TERM_TOO_SHORT; an invalid CPF/CNPJ with SUBSCRIPTIONS_INVALID_DOCUMENT.',
      querystring: CustomerListQuery,
      response: { 200: page(CustomerSummary) },
    },
  }, async (request) => {
    const { limit, cursor, ...search } = request.query;
    const after = search.name === undefined ? timePosition(decodeCursor(cursor, TimeCursor)) : namePosition(decodeCursor(cursor, NameCursor));
    const found = await searchCustomers(ctx, search, limit, after);
    return {
      items: found.items.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
      nextCursor: found.next === null ? null : encodeCursor(found.next.by === 'name' ? { n: found.next.id } : { at: found.next.at.toISOString(), id: found.next.id }),
    };
  });

  app.get('/v1/customers/:id', {
    schema: { tags, summary: 'A customer with services, packages (with prices) and entitlements', params: IdParams, response: { 200: CustomerResource } },
  }, async (request) => {
    const customer = await ctx.db.customer.findUnique({
      where: { id: request.params.id },
      include: { services: { include: { packages: { orderBy: [{ attachedAt: 'asc' }, { id: 'asc' }] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    if (!customer) throw customerNotFound(request.params.id);
    const entitlements = await ctx.db.entitlement.findMany({ where: { customerId: customer.id }, orderBy: { integrationId: 'asc' } });
    const packageIds = [...new Set(customer.services.flatMap((s) => s.packages.map((p) => p.packageId)))];
    const names = new Map((await ctx.db.knownPackage.findMany({ where: { id: { in: packageIds } }, select: { id: true, description: true } })).map((p) => [p.id, p.description]));
    return {
      id: customer.id,
      name: customer.name,
      documentType: customer.documentType as 'cpf' | 'cnpj',
      documentMasked: customer.documentMasked,
      email: customer.email,
      code: customer.code,
      delinquent: customer.delinquent,
      standingReason: customer.standingReason,
      services: customer.services.map((service) => ({
        id: service.id,
        planId: service.planId,
        status: service.status as ServiceStatus,
        authLogin: service.authLogin,
        packages: service.packages.map((held) => toHeldAttachment(held, names)),
      })),
      entitlements: entitlements.map((row) => {
        const record = EntitlementV1.parse(row.record);
        return { integrationId: row.integrationId, subscriberId: record.subscriberId, status: record.status, version: record.version, grants: record.grants };
      }),
    };
  });

  app.post('/v1/customers/:id/services', {
    schema: {
      tags,
      summary: 'Give the customer a new service (contracted plan instance)',
      description:
        'With a plan, the service gets the plan\'s active packages (R11): trial packages end after their trial days and are then removed automatically. Refused with SUBSCRIPTIONS_SINGLE_PACKAGE (R10) when a plan package would be a second package of a single-package integration. Safe to retry with an Idempotency-Key.',
      params: IdParams,
      headers: IdempotentHeaders,
      body: ServiceBody,
      response: { 201: ServiceCreatedResource },
    },
  }, async (request, reply) =>
    idempotent(ctx, request, reply, 'create-service', request.params, 201, (idempotency) =>
      createService(ctx, { customerId: request.params.id, ...request.body }, { actor: actorOf(request), idempotency }),
    ),
  );

  app.get('/v1/customers/:id/history', {
    schema: {
      tags,
      summary: 'Who changed what and when: attachments, prices (old/new), service status, trials, standing',
      params: IdParams,
      querystring: HistoryQuery,
      response: { 200: page(HistoryItem) },
    },
  }, async (request) => {
    const { limit, cursor } = request.query;
    const before = decodeCursor(cursor, BigIntCursor);
    if (!(await ctx.db.customer.findUnique({ where: { id: request.params.id }, select: { id: true } }))) throw customerNotFound(request.params.id);
    const rows = await ctx.db.historyEntry.findMany({
      where: { customerId: request.params.id, ...(before ? { id: { lt: BigInt(before.id) } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const lang = explainLanguage(request.query.lang, request.headers['accept-language']);
    const names = await historyNames(ctx, request.params.id, items);
    return {
      items: items.map((row) => ({
        id: row.id.toString(),
        at: row.at.toISOString(),
        actor: row.actor,
        action: row.action as HistoryAction,
        serviceId: row.serviceId,
        attachmentId: row.attachmentId,
        packageId: row.packageId,
        oldPriceCents: row.oldPriceCents,
        newPriceCents: row.newPriceCents,
        oldStatus: row.oldStatus,
        newStatus: row.newStatus,
        reason: row.reason,
        who: historyWho(row.actor, lang),
        text: historyText({ ...row, action: row.action as HistoryAction }, names, lang),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id.toString() }) : null,
    };
  });

  app.get('/v1/customers/:id/explain', {
    schema: {
      tags: ['support'],
      summary: 'May this customer use a product now, and why (R15)',
      description:
        'Answers per integration with the reason code the gateway gives NEO in the same state, and why in words a support agent can read to the customer: "service … is suspended for debt", "package X is not in plan Y and the plan locks packages", "the trial of package … ended on 2026-11-03".',
      params: IdParams,
      querystring: ExplainQuery,
      response: { 200: ExplanationResource },
    },
  }, async (request) => explainForCustomer(ctx, request.params.id, request.query.product, request.query.integrationId, explainLanguage(request.query.lang, request.headers['accept-language'])));

  app.get('/v1/customers/:id/decisions', {
    schema: {
      tags: ['support'],
      summary: 'The gateway\'s authorisation decisions for this customer, newest first (audit)',
      params: IdParams,
      querystring: DecisionsQuery,
      response: { 200: page(DecisionItem) },
    },
  }, async (request) => {
    const { limit, cursor, product } = request.query;
    const position = decodeCursor(cursor, TimeBigIntCursor);
    if (!(await ctx.db.customer.findUnique({ where: { id: request.params.id }, select: { id: true } }))) throw customerNotFound(request.params.id);
    const rows = await customerDecisions(ctx, request.params.id, {
      limit: limit + 1,
      product,
      before: position ? { at: new Date(position.at), id: BigInt(position.id) } : undefined,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null };
  });
}

