import { Cents, Id, GrantState, ProductCode, SubscriberStatus } from '@sva/contracts';
import { z } from 'zod';
import { SERVICE_STATUSES } from '../domain/service-status.ts';

export const IdParams = z.object({ id: Id });
export const AttachmentParams = z.object({ id: Id, attachmentId: Id });

export const CustomerBody = z.object({
  name: z.string().trim().min(1).max(200),
  document: z.string().trim().min(11).max(20).describe('CPF or CNPJ, with or without punctuation'),
  email: z.email().max(200).optional(),
  code: z.string().trim().min(1).max(64).optional(),
});

export const CustomerCreatedResource = z.object({
  id: Id,
  name: z.string(),
  documentType: z.enum(['cpf', 'cnpj']),
  documentMasked: z.string(),
  email: z.string().nullable(),
  code: z.string().nullable(),
});

export const ServiceBody = z
  .object({
    planId: Id.optional(),
    status: z.enum(['awaiting_installation', 'enabled']).default('enabled'),
    authLogin: z.string().trim().min(1).max(128).optional(),
    authPassword: z.string().min(1).max(128).optional(),
  })
  .refine((body) => (body.authLogin === undefined) === (body.authPassword === undefined), {
    message: 'authLogin and authPassword go together',
    path: ['authPassword'],
  });

export const StatusBody = z.object({ status: z.enum(SERVICE_STATUSES) });

export const AttachBody = z.object({
  packageId: Id,
  priceCents: Cents.optional().describe('Overrides the package price for this customer (R7)'),
});

export const AttachmentResource = z.object({
  id: Id,
  serviceId: Id,
  packageId: Id,
  priceCents: Cents,
  trialEndsAt: z.string().nullable(),
  attachedAt: z.string(),
});

export const CustomerResource = CustomerCreatedResource.extend({
  delinquent: z.boolean(),
  services: z.array(
    z.object({
      id: Id,
      planId: Id.nullable(),
      status: z.enum(SERVICE_STATUSES),
      authLogin: z.string().nullable(),
      packages: z.array(AttachmentResource.extend({ detachedAt: z.string().nullable(), detachReason: z.string().nullable() })),
    }),
  ),
  entitlements: z.array(
    z.object({
      integrationId: Id,
      subscriberId: z.string(),
      status: SubscriberStatus,
      version: z.number().int(),
      grants: z.array(z.object({ product: ProductCode, state: GrantState })),
    }),
  ),
});
