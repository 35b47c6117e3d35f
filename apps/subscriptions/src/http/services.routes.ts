import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { SubscriptionsContext } from '../context.ts';
import { serviceNotFound } from '../domain/errors.ts';
import { SERVICE_STATUSES, type ServiceStatus } from '../domain/service-status.ts';
import { toHeldAttachment } from '../use-cases/attachment.ts';
import { attachPackage, changeAttachmentPrice, detachPackage } from '../use-cases/packages.ts';
import { changeServiceStatus } from '../use-cases/services.ts';
import { actorOf, idempotent } from './request-context.ts';
import { AttachBody, AttachmentParams, AttachmentResource, CommandHeaders, DetachQuery, IdempotentHeaders, IdParams, PriceBody, ServiceResource, StatusBody } from './schemas.ts';

const tags = ['services'];

export function serviceRoutes(app: HttpApp, ctx: SubscriptionsContext): void {
  app.get('/v1/services/:id', {
    schema: { tags, summary: 'A service with its packages (current and past) and their prices', params: IdParams, response: { 200: ServiceResource } },
  }, async (request) => {
    const service = await ctx.db.customerService.findUnique({ where: { id: request.params.id }, include: { packages: { orderBy: [{ attachedAt: 'asc' }, { id: 'asc' }] } } });
    if (!service) throw serviceNotFound(request.params.id);
    const names = new Map(
      (await ctx.db.knownPackage.findMany({ where: { id: { in: service.packages.map((p) => p.packageId) } }, select: { id: true, description: true } })).map((p) => [p.id, p.description]),
    );
    return {
      id: service.id,
      customerId: service.customerId,
      planId: service.planId,
      status: service.status as ServiceStatus,
      authLogin: service.authLogin,
      packages: service.packages.map((held) => toHeldAttachment(held, names)),
    };
  });

  app.post('/v1/services/:id/status', {
    schema: {
      tags,
      summary: 'Move a service through its lifecycle (R12)',
      description: 'Enabling a service with packages gives the customer its products on the platforms within a second; suspending or cancelling takes them away.',
      params: IdParams,
      headers: CommandHeaders,
      body: StatusBody,
      response: { 200: z.object({ id: z.uuid(), status: z.enum(SERVICE_STATUSES) }) },
    },
  }, async (request) => changeServiceStatus(ctx, request.params.id, request.body.status, { actor: actorOf(request), reason: request.body.reason }));

  app.post('/v1/services/:id/packages', {
    schema: {
      tags,
      summary: 'Attach a package to a service (R7, R8, R10, R12, R13)',
      description: [
        'Takes the package price unless priceCents is given (R7). Refusals name the rule:',
        '- SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN (R8): the service plan locks packages and this one is not in it ("my package does not show up");',
        '- SUBSCRIPTIONS_SINGLE_PACKAGE (R10): the integration allows one package per customer and the customer holds another;',
        '- SUBSCRIPTIONS_CONSENT_REQUIRED (R19, 400): a paid package outside the plan\'s mandatory ones needs `consent` (channel, at, by, optional reference);',
        '- SUBSCRIPTIONS_PACKAGE_ALREADY_ATTACHED, SUBSCRIPTIONS_SERVICE_CANCELLED, SUBSCRIPTIONS_PACKAGE_INACTIVE / _UNKNOWN.',
        'Safe to retry with an Idempotency-Key.',
      ].join('\n'),
      params: IdParams,
      headers: IdempotentHeaders,
      body: AttachBody,
      response: { 201: AttachmentResource },
    },
  }, async (request, reply) =>
    idempotent(ctx, request, reply, 'attach-package', request.params, 201, (idempotency) =>
      attachPackage(ctx, { serviceId: request.params.id, ...request.body }, { actor: actorOf(request), idempotency }),
    ),
  );

  app.patch('/v1/services/:id/packages/:attachmentId', {
    schema: {
      tags,
      summary: 'Change the price of a package for this customer (R7)',
      description: 'priceCents sets a price for this customer; null makes the attachment follow the catalog price again. Recorded in the history with the old and new price.',
      params: AttachmentParams,
      headers: CommandHeaders,
      body: PriceBody,
      response: { 200: AttachmentResource },
    },
  }, async (request) =>
    changeAttachmentPrice(ctx, request.params.id, request.params.attachmentId, request.body.priceCents, { actor: actorOf(request), reason: request.body.reason }),
  );

  app.delete('/v1/services/:id/packages/:attachmentId', {
    schema: {
      tags,
      summary: 'Detach a package from a service (R9, R12)',
      description: 'The customer loses on the platforms what only this package granted, within a second. Refused with SUBSCRIPTIONS_MANDATORY_PACKAGE (R9) for a mandatory package of the service plan. The attachment stays in the history.',
      params: AttachmentParams,
      headers: CommandHeaders,
      querystring: DetachQuery,
      response: { 204: z.null() },
    },
  }, async (request, reply) => {
    await detachPackage(ctx, request.params.id, request.params.attachmentId, { actor: actorOf(request), reason: request.query.reason });
    return reply.code(204).send(null);
  });
}
