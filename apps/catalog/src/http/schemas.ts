import { Cents, Id, LoginField, MAX_CENTS, ProductCode } from '@sva/contracts';
import { z } from 'zod';
import { COMPONENT_KINDS } from '../domain/composition.ts';

/** Prices are stored as 32-bit integers: at most R$ 21,474,836.47 (`Cents` says so). */
const Price = Cents.describe('Price in integer cents of BRL (1990 = R$ 19,90); never a decimal (R5).');
const Version = z.number().int().positive().describe(
  'Optimistic concurrency: the `version` you last read. A write based on an older version is refused with 409 `CATALOG_STALE_VERSION`; reload and retry.',
);
const Timestamp = z.string().describe('ISO 8601 timestamp.');

export const IdParams = z.object({ id: Id });
export const PackageIntegrationParams = z.object({ id: Id, integrationId: Id });
export const VersionBody = z.strictObject({ version: Version });

const BooleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');
const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Items per page, 1–100 (default 20).'),
  cursor: z.string().min(1).max(500).optional().describe("The previous page's `nextCursor`; omit for the first page."),
};
const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; `null` on the last page.'),
  });

// ---------------------------------------------------------------------------------------------
// Integrations (R1–R4)

const Description = z.string().trim().min(1).max(200);
const PlatformBaseUrl = z.url({ protocol: /^https?$/ }).describe("Base URL of NEO's partner API, e.g. `https://api.neo.example/partner`.");
const ClientId = z.string().min(1).max(200).describe('Client id NEO gave the provider.');
const ClientSecret = z.string().min(1).max(500).describe('Client secret NEO gave the provider. Stored encrypted; never returned nor logged.');

const IntegrationFlags = {
  loginField: LoginField.describe(
    'R1, R2: what NEO users type as login. `login_autenticacao` (default): the service\'s PPPoE/RADIUS login, with its own password; `cpf_cnpj`, `email`, `customer_code`: the customer\'s, with the login itself as password (CPF/CNPJ: letters and digits in upper case, punctuation ignored; alphanumeric CNPJs included).',
  ),
  singlePackage: z.boolean().describe('R10, *pacote único*: a customer may hold at most one package granting this integration\'s products.'),
  syncSubscriptionStatus: z.boolean().describe(
    'R15, R17: when on, only enabled services count and delinquency suspends platform access within seconds; when off, any non-cancelled service counts.',
  ),
  exclusivePackages: z.boolean().describe(
    "R5: when on, a package granting this integration's products may grant no other integration's products (for platforms that want to be sold alone). Several integrations per package are allowed otherwise.",
  ),
};

export const IntegrationBody = z.strictObject({
  description: Description.describe('Shown to operators, e.g. "NEO – streaming".'),
  loginField: IntegrationFlags.loginField.default('login_autenticacao'),
  singlePackage: IntegrationFlags.singlePackage.default(false),
  syncSubscriptionStatus: IntegrationFlags.syncSubscriptionStatus.default(true),
  exclusivePackages: IntegrationFlags.exclusivePackages.default(false),
  active: z.boolean().default(true).describe('R1: an inactive integration authorises nobody.'),
  platform: z.strictObject({ baseUrl: PlatformBaseUrl, clientId: ClientId, clientSecret: ClientSecret }),
});

export const IntegrationPatchBody = z.strictObject({
  version: Version,
  description: Description.optional(),
  loginField: IntegrationFlags.loginField.optional(),
  singlePackage: IntegrationFlags.singlePackage.optional(),
  syncSubscriptionStatus: IntegrationFlags.syncSubscriptionStatus.optional(),
  exclusivePackages: IntegrationFlags.exclusivePackages.optional(),
  active: z.boolean().optional().describe('R1: an inactive integration authorises nobody.'),
  platform: z
    .strictObject({ baseUrl: PlatformBaseUrl.optional(), clientId: ClientId.optional(), clientSecret: ClientSecret.optional() })
    .optional()
    .describe('Only the fields given change; send `clientSecret` to replace the stored secret.'),
});

export const IntegrationListQuery = z.object({
  active: BooleanQuery.optional().describe('Only active (`true`) or inactive (`false`) integrations.'),
  loginField: LoginField.optional(),
  q: z.string().trim().min(1).max(100).optional().describe('Part of the description, case-insensitive.'),
  ...PageQuery,
});

export const IntegrationResource = z.object({
  id: Id,
  type: z.literal('neo'),
  description: z.string(),
  loginField: LoginField,
  singlePackage: z.boolean(),
  syncSubscriptionStatus: z.boolean(),
  exclusivePackages: z.boolean(),
  active: z.boolean(),
  platform: z.object({
    baseUrl: z.string(),
    clientId: z.string(),
    clientSecretSet: z.boolean().describe('Whether a client secret is stored. The secret itself is never returned.'),
  }),
  callbackUrl: z.string().describe('R3: the callback URL with its secret hidden as `{secret}`; the secret is shown only when created or rotated.'),
  previousSecretValidUntil: z
    .string()
    .nullable()
    .describe('R3: after a rotation, until when the previous callback secret keeps working; `null` when none does.'),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreatedIntegrationResource = IntegrationResource.extend({
  callbackUrl: z.string().describe('The callback URL to configure in NEO, secret included. Shown only now.'),
  callbackSecret: z.string().describe('The callback secret. Shown only now; the catalog keeps a verifier, not the secret.'),
});

export const SyncReportResource = z.object({
  added: z.array(ProductCode).describe('Codes NEO lists for the first time.'),
  updated: z.array(ProductCode).describe('Codes whose name changed, or that NEO lists again after they had vanished.'),
  deactivated: z.array(ProductCode).describe('Codes NEO no longer lists: kept, marked inactive, never deleted.'),
  stillGranted: z.array(ProductCode).describe('Deactivated codes that packages still grant; review those packages.'),
  unchanged: z.number().int(),
});

export const ProductListQuery = z.object({
  active: BooleanQuery.optional().describe('Only active (`true`: grantable) or inactive (`false`: vanished from NEO) products.'),
  q: z.string().trim().min(1).max(100).optional().describe('Part of the code or name, case-insensitive.'),
  ...PageQuery,
});

export const ProductResource = z.object({
  integrationId: Id,
  code: ProductCode,
  name: z.string(),
  active: z.boolean().describe('R4: false when NEO stopped listing it; only active products can be granted (R5).'),
  syncedAt: z.string(),
});

// ---------------------------------------------------------------------------------------------
// Packages (R5)

const Share = z
  .union([
    z.strictObject({
      percent: z.number().gt(0).lte(100).describe('A percentage with up to two decimals (33.33).'),
    }),
    z.strictObject({
      amountCents: z.number().int().min(1).max(MAX_CENTS).describe('A fixed amount in integer cents.'),
    }),
  ], { error: 'a share is either { "percent": number } or { "amountCents": integer }, exactly one of them' })
  .describe(
    'Either `{ "percent": n }` or `{ "amountCents": n }`. Fixed amounts are taken first; percentages split the rest of the price and add up to exactly 100.',
  );

const Component = z.strictObject({
  kind: z.enum(COMPONENT_KINDS).describe('`scm`: telecom (Serviço de Comunicação Multimídia); `sva`: value-added service (Serviço de Valor Adicionado).'),
  serviceCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z][0-9A-Za-z./-]{0,19}$/, 'letters, digits, ".", "/" or "-", at most 20')
    .describe('The fiscal service code your accountant assigns, e.g. LC 116 item `1.09`.'),
  share: Share,
});

const Composition = z
  .array(Component)
  .min(1)
  .max(20)
  .describe(
    'R5, *composição fiscal*: how the price splits into fiscal items; must add up exactly to the price. Percent shares are resolved to cents by the largest-remainder method (whole cents first, leftover cents to the largest fractions, ties to the first listed), so no cent is lost or invented. Default: the whole price as SVA, service code 1.09 (have your accountant confirm it).',
  );

const Grants = z
  .array(z.strictObject({ integrationId: Id, productCodes: z.array(ProductCode).min(1).max(100) }))
  .max(20)
  .describe('R5: per integration, the products the package grants: synced, active products of that integration only.');

export const PackageBody = z.strictObject({
  description: Description.describe('Shown to operators and customers, e.g. "Música (Mumo)".'),
  priceCents: Price,
  active: z.boolean().default(true),
  composition: Composition.optional(),
  grants: Grants.default([]),
});

export const PackagePatchBody = z.strictObject({
  version: Version,
  description: Description.optional(),
  priceCents: Price.optional(),
  active: z.boolean().optional().describe('A package listed by an active plan cannot be deactivated (R6).'),
  composition: Composition.optional().describe('Replaces the whole composition. It must add up to the new price when both change.'),
  grants: Grants.optional().describe('Replaces every grant. Products already granted may stay even if they became inactive.'),
});

export const PackageIntegrationBody = z.strictObject({
  version: Version,
  productCodes: z.array(ProductCode).max(100).describe("The integration's products this package grants; `[]` removes the integration from the package."),
});

export const PackageListQuery = z.object({
  active: BooleanQuery.optional(),
  integrationId: Id.optional().describe("Only packages granting this integration's products."),
  productCode: ProductCode.optional().describe('Only packages granting this product code.'),
  q: z.string().trim().min(1).max(100).optional().describe('Part of the description, case-insensitive.'),
  ...PageQuery,
});

export const PackageResource = z.object({
  id: Id,
  description: z.string(),
  priceCents: Cents,
  active: z.boolean(),
  composition: z.array(
    z.object({
      kind: z.enum(COMPONENT_KINDS),
      serviceCode: z.string(),
      share: z.union([z.object({ percent: z.number() }), z.object({ amountCents: z.number().int() })]),
      resolvedCents: z.number().int().describe('What this component accounts for at the current price; the components add up to the price.'),
    }),
  ),
  grants: z.array(z.object({ integrationId: Id, productCodes: z.array(ProductCode) })),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PackageIntegrationsResource = z.object({
  items: z.array(
    z.object({
      integrationId: Id,
      description: z.string(),
      active: z.boolean(),
      singlePackage: z.boolean(),
      exclusivePackages: z.boolean(),
      products: z.array(z.object({ code: ProductCode, name: z.string(), active: z.boolean() })),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Plans (R6)

const PlanPackage = z.strictObject({
  packageId: Id.describe('An existing, active package.'),
  mandatory: z.boolean().default(false).describe('R9, *obrigatório*: cannot be detached from a customer\'s service while the plan is in force.'),
  trialDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .default(0)
    .describe('R11, *degustação*: 0 = no trial; otherwise the package is free for this many days, then removed automatically.'),
});

const Mbps = z.number().int().min(1).max(1_000_000);
const PlanFields = {
  name: z.string().trim().min(1).max(120).describe('e.g. "Fibra 500 Mega".'),
  downloadMbps: Mbps.describe('Download speed in Mbit/s.'),
  uploadMbps: Mbps.describe('Upload speed in Mbit/s.'),
  priceCents: Price,
  lockPackages: z.boolean().describe('R8, *travar pacotes*: only this plan\'s own packages may be attached to its services.'),
  packages: z.array(PlanPackage).max(50).describe('R6: the packages of the plan (a combo), each once; a plan may not list two packages of a single-package integration (R10).'),
};

export const PlanBody = z.strictObject({
  ...PlanFields,
  active: z.boolean().default(true),
  lockPackages: PlanFields.lockPackages.default(false),
  packages: PlanFields.packages.default([]),
});

export const PlanPatchBody = z.strictObject({
  version: Version,
  name: PlanFields.name.optional(),
  downloadMbps: PlanFields.downloadMbps.optional(),
  uploadMbps: PlanFields.uploadMbps.optional(),
  priceCents: PlanFields.priceCents.optional(),
  active: z.boolean().optional(),
  lockPackages: PlanFields.lockPackages.optional(),
  packages: PlanFields.packages.optional().describe('Replaces the whole list.'),
});

export const PlanListQuery = z.object({
  active: BooleanQuery.optional(),
  packageId: Id.optional().describe('Only plans listing this package.'),
  q: z.string().trim().min(1).max(100).optional().describe('Part of the name, case-insensitive.'),
  ...PageQuery,
});

export const PlanResource = z.object({
  id: Id,
  name: z.string(),
  downloadMbps: z.number().int(),
  uploadMbps: z.number().int(),
  priceCents: Cents,
  active: z.boolean(),
  lockPackages: z.boolean(),
  packages: z.array(z.object({ packageId: Id, mandatory: z.boolean(), trialDays: z.number().int() })),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const IntegrationPage = page(IntegrationResource);
export const ProductPage = page(ProductResource);
export const PackagePage = page(PackageResource);
export const PlanPage = page(PlanResource);
