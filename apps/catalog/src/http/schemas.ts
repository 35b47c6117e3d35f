import { Cents, Id, LoginField, ProductCode } from '@sva/contracts';
import { z } from 'zod';

export const IdParams = z.object({ id: Id });

export const IntegrationBody = z.object({
  description: z.string().trim().min(1).max(200),
  loginField: LoginField.default('login_autenticacao'),
  singlePackage: z.boolean().default(false),
  syncSubscriptionStatus: z.boolean().default(true),
  active: z.boolean().default(true),
  platform: z.object({
    baseUrl: z.url({ protocol: /^https?$/ }),
    clientId: z.string().min(1).max(200),
    clientSecret: z.string().min(1).max(500),
  }),
});

export const IntegrationResource = z.object({
  id: Id,
  type: z.literal('neo'),
  description: z.string(),
  loginField: LoginField,
  singlePackage: z.boolean(),
  syncSubscriptionStatus: z.boolean(),
  active: z.boolean(),
  platform: z.object({ baseUrl: z.string(), clientId: z.string() }),
  /** The callback URL with its secret hidden; the secret is shown only when created or rotated. */
  callbackUrl: z.string(),
  version: z.number().int(),
});

export const CreatedIntegrationResource = IntegrationResource.extend({
  callbackUrl: z.string().describe('The callback URL to configure in NEO, secret included. Shown only now.'),
  callbackSecret: z.string().describe('The callback secret. Shown only now; the catalog keeps a verifier, not the secret.'),
});

export const SyncReportResource = z.object({
  added: z.array(ProductCode),
  updated: z.array(ProductCode),
  deactivated: z.array(ProductCode),
  unchanged: z.number().int(),
});

export const ProductResource = z.object({
  integrationId: Id,
  code: ProductCode,
  name: z.string(),
  active: z.boolean(),
  syncedAt: z.string(),
});

export const PackageBody = z.object({
  description: z.string().trim().min(1).max(200),
  priceCents: Cents,
  active: z.boolean().default(true),
  grants: z.array(z.object({ integrationId: Id, productCodes: z.array(ProductCode).min(1).max(100) })).max(20).default([]),
});

export const PackageResource = z.object({
  id: Id,
  description: z.string(),
  priceCents: Cents,
  active: z.boolean(),
  version: z.number().int(),
  grants: z.array(z.object({ integrationId: Id, productCodes: z.array(ProductCode) })),
});
