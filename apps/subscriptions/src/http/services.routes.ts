import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { SubscriptionsContext } from '../context.ts';
import { SERVICE_STATUSES } from '../domain/service-status.ts';
import { attachPackage, detachPackage } from '../use-cases/packages.ts';
import { changeServiceStatus } from '../use-cases/services.ts';
import { AttachBody, AttachmentParams, AttachmentResource, IdParams, StatusBody } from './schemas.ts';

const tags = ['services'];

export function serviceRoutes(app: HttpApp, ctx: SubscriptionsContext): void {
  app.post('/v1/services/:id/status', {
    schema: { tags, summary: 'Move a service through its lifecycle (R12)', params: IdParams, body: StatusBody, response: { 200: z.object({ id: z.uuid(), status: z.enum(SERVICE_STATUSES) }) } },
  }, async (request) => changeServiceStatus(ctx, request.params.id, request.body.status));

  app.post('/v1/services/:id/packages', {
    schema: { tags, summary: 'Attach a package to a service (R7, R10, R12, R13)', params: IdParams, body: AttachBody, response: { 201: AttachmentResource } },
  }, async (request, reply) => reply.code(201).send(await attachPackage(ctx, { serviceId: request.params.id, ...request.body })));

  app.delete('/v1/services/:id/packages/:attachmentId', {
    schema: { tags, summary: 'Detach a package from a service (R12)', params: AttachmentParams, response: { 204: z.null() } },
  }, async (request, reply) => {
    await detachPackage(ctx, request.params.id, request.params.attachmentId);
    return reply.code(204).send(null);
  });
}
