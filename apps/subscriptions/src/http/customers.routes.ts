import { EntitlementV1 } from '@sva/contracts';
import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { SubscriptionsContext } from '../context.ts';
import { customerNotFound } from '../domain/errors.ts';
import { createCustomer } from '../use-cases/customers.ts';
import { createService } from '../use-cases/services.ts';
import { CustomerBody, CustomerCreatedResource, CustomerResource, IdParams, ServiceBody } from './schemas.ts';

const tags = ['customers'];

export function customerRoutes(app: HttpApp, ctx: SubscriptionsContext): void {
  app.post('/v1/customers', {
    schema: { tags, summary: 'Register a customer (CPF/CNPJ validated, never stored in plaintext)', body: CustomerBody, response: { 201: CustomerCreatedResource } },
  }, async (request, reply) => reply.code(201).send(await createCustomer(ctx, request.body)));

  app.get('/v1/customers/:id', {
    schema: { tags, summary: "A customer with services, packages and entitlements", params: IdParams, response: { 200: CustomerResource } },
  }, async (request) => {
    const customer = await ctx.db.customer.findUnique({
      where: { id: request.params.id },
      include: { services: { include: { packages: { orderBy: { attachedAt: 'asc' } } }, orderBy: { createdAt: 'asc' } } },
    });
    if (!customer) throw customerNotFound(request.params.id);
    const entitlements = await ctx.db.entitlement.findMany({ where: { customerId: customer.id }, orderBy: { integrationId: 'asc' } });
    return {
      id: customer.id,
      name: customer.name,
      documentType: customer.documentType as 'cpf' | 'cnpj',
      documentMasked: customer.documentMasked,
      email: customer.email,
      code: customer.code,
      delinquent: customer.delinquent,
      services: customer.services.map((service) => ({
        id: service.id,
        planId: service.planId,
        status: service.status as z.infer<typeof CustomerResource>['services'][number]['status'],
        authLogin: service.authLogin,
        packages: service.packages.map((held) => ({
          id: held.id,
          serviceId: held.serviceId,
          packageId: held.packageId,
          priceCents: held.priceCents,
          trialEndsAt: held.trialEndsAt?.toISOString() ?? null,
          attachedAt: held.attachedAt.toISOString(),
          detachedAt: held.detachedAt?.toISOString() ?? null,
          detachReason: held.detachReason,
        })),
      })),
      entitlements: entitlements.map((row) => {
        const record = EntitlementV1.parse(row.record);
        return { integrationId: row.integrationId, subscriberId: record.subscriberId, status: record.status, version: record.version, grants: record.grants };
      }),
    };
  });

  app.post('/v1/customers/:id/services', {
    schema: { tags, summary: 'Give the customer a new service (contracted plan instance)', params: IdParams, body: ServiceBody, response: { 201: z.object({ id: z.uuid() }) } },
  }, async (request, reply) => reply.code(201).send(await createService(ctx, { customerId: request.params.id, ...request.body })));
}
