import { AuthoriseReasonV1, Cents, ConsentV1, Id, GrantState, ProductCode, SubscriberStatus } from '@sva/contracts';
import { z } from 'zod';
import { HISTORY_ACTIONS } from '../domain/history.ts';
import { SERVICE_STATUSES } from '../domain/service-status.ts';

export const IdParams = z.object({ id: Id.describe('Id (UUID)') });
export const AttachmentParams = z.object({ id: Id.describe('Service id'), attachmentId: Id.describe('Attachment id (from the service\'s packages)') });
export const SubscriberParams = z.object({ subscriberId: z.string().min(8).max(64).describe('The subscriber id NEO knows the customer by (R13)') });

/** Headers every command reads; documented here, validated in `request-context.ts` (for stable error codes). */
export const CommandHeaders = z.looseObject({
  'x-actor': z.string().optional().describe('Who acts, recorded in the customer history: the operator\'s user name or a system name (1–100 characters). Default "api-key".'),
});
export const IdempotentHeaders = CommandHeaders.extend({
  'idempotency-key': z
    .string()
    .optional()
    .describe('Makes a retry safe: a second request with the same key and body returns the first answer (header `Idempotent-Replayed: true`); with another body it is refused (422). Keys are kept 24 h. A UUID is a good key.'),
});

const Limit = z.coerce.number().int().min(1).max(200).default(50).describe('Items per page (1–200, default 50)');
const Cursor = z.string().max(200).optional().describe('The `nextCursor` of the previous page');

/** A page of items; `nextCursor` is `null` on the last page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const CustomerBody = z.object({
  name: z.string().trim().min(1).max(200),
  document: z.string().trim().min(11).max(20).describe('CPF or CNPJ (numeric, or alphanumeric as issued since July 2026; letters in either case), with or without punctuation; check digits are verified. Stored only as a keyed hash and a masked form.'),
  email: z.email().max(200).optional().describe('Used as NEO login when an integration logs in by email (R1)'),
  code: z.string().trim().min(1).max(64).optional().describe('The customer code in the provider\'s management system (NEO login when an integration logs in by customer code)'),
});

export const CustomerListQuery = z.object({
  limit: Limit,
  cursor: Cursor,
  // At least 3 letters or digits, checked by the search itself (SUBSCRIPTIONS_NAME_TERM_TOO_SHORT):
  // accents and spaces do not count, which a length here could not tell.
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Find by parts of the name, accents and case ignored: every word typed is in the name, in any order ("joao", "silv" and "silva joao" find "João da Silva"); at least 3 characters. Results are ordered by name, then id.'),
  document: z.string().trim().min(11).max(20).optional().describe('Find by CPF/CNPJ (numeric or alphanumeric, with or without punctuation)'),
  code: z.string().trim().min(1).max(64).optional().describe('Find by customer code'),
  login: z.string().trim().min(1).max(128).optional().describe('Find by the network (PPPoE/RADIUS) login of one of the customer\'s services, exactly as registered (spaces at the ends ignored)'),
  subscriberId: z.string().trim().min(8).max(64).optional().describe('Find by the subscriber id an integration knows the customer by (R13)'),
});

export const CustomerCreatedResource = z.object({
  id: Id,
  name: z.string(),
  documentType: z.enum(['cpf', 'cnpj']),
  documentMasked: z.string().describe('e.g. ***.982.247-**'),
  email: z.string().nullable(),
  code: z.string().nullable(),
});

export const CustomerSummary = CustomerCreatedResource.extend({
  delinquent: z.boolean().describe('R16: payment standing as billing-status last announced it'),
  createdAt: z.string(),
});

export const ServiceBody = z
  .object({
    planId: Id.optional().describe('The service plan (catalog). The service gets the plan\'s packages; trial packages end after their trial days (R11).'),
    status: z.enum(['awaiting_installation', 'enabled']).default('enabled'),
    authLogin: z.string().trim().min(1).max(128).optional().describe('Network (PPPoE/RADIUS) login: the NEO login when an integration logs in by login_autenticacao (R2)'),
    authPassword: z.string().min(1).max(128).optional().describe('Its password; only a verifier is kept'),
  })
  .refine((body) => (body.authLogin === undefined) === (body.authPassword === undefined), {
    message: 'authLogin and authPassword go together',
    path: ['authPassword'],
  });

export const StatusBody = z.object({
  status: z.enum(SERVICE_STATUSES).describe('awaiting_installation → enabled; enabled ⇄ suspended_debt / suspended_request; any → cancelled (final)'),
  reason: z.string().trim().min(1).max(500).optional().describe('Why, for the customer history'),
});

export const AttachBody = z.object({
  packageId: Id,
  priceCents: Cents.optional().describe('R7: a price for this customer; without it the attachment follows the catalog package price'),
  consent: ConsentV1.optional().describe(
    "R19: the customer's consent to this charge. Required for a paid package (price above 0) that is not mandatory in the service plan; mandatory plan packages take the plan contract's.",
  ),
});

export const PriceBody = z.object({
  priceCents: Cents.nullable().describe('R7: the price for this customer, or null to follow the catalog package price again'),
  reason: z.string().trim().min(1).max(500).optional().describe('Why, for the customer history'),
});

export const DetachQuery = z.object({ reason: z.string().trim().min(1).max(500).optional().describe('Why, for the customer history') });

export const AttachmentResource = z.object({
  id: Id,
  serviceId: Id,
  packageId: Id,
  priceCents: Cents,
  priceOverridden: z.boolean().describe('R7: the price was set for this customer'),
  fromPlan: z.boolean().describe('Given by the service plan (R11)'),
  trialEndsAt: z.string().nullable().describe('R11: end of the trial; the package is removed automatically then'),
  attachedAt: z.string(),
});

const HeldAttachment = AttachmentResource.extend({
  packageDescription: z.string().nullable(),
  detachedAt: z.string().nullable(),
  detachReason: z.string().nullable().describe('detached, trial_ended'),
});

export const ServiceResource = z.object({
  id: Id,
  customerId: Id,
  planId: Id.nullable(),
  status: z.enum(SERVICE_STATUSES),
  authLogin: z.string().nullable(),
  packages: z.array(HeldAttachment),
});

export const ServiceCreatedResource = z.object({
  id: Id,
  customerId: Id,
  planId: Id.nullable(),
  status: z.enum(SERVICE_STATUSES),
  packages: z.array(AttachmentResource),
});

export const CustomerResource = CustomerCreatedResource.extend({
  delinquent: z.boolean(),
  standingReason: z.string().nullable().describe('billing-status\'s words for the current standing'),
  services: z.array(ServiceResource.omit({ customerId: true })),
  entitlements: z.array(
    z.object({
      integrationId: Id,
      subscriberId: z.string().describe('R13: what NEO knows the customer by'),
      status: SubscriberStatus,
      version: z.number().int(),
      grants: z.array(z.object({ product: ProductCode, state: GrantState })),
    }),
  ),
});

export const HistoryQuery = z.object({
  limit: Limit,
  cursor: Cursor,
  lang: z.enum(['en', 'pt-BR']).optional().describe('Language of `text` and `who` (action codes and fields do not change); default from `Accept-Language` (`pt…` → pt-BR), else English'),
});

export const HistoryItem = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string().describe('X-Actor of the request, or system:trial-expiry / system:catalog / system:billing-status'),
  action: z.enum(HISTORY_ACTIONS),
  serviceId: Id.nullable(),
  attachmentId: Id.nullable(),
  packageId: Id.nullable(),
  oldPriceCents: Cents.nullable(),
  newPriceCents: Cents.nullable(),
  oldStatus: z.string().nullable(),
  newStatus: z.string().nullable(),
  reason: z.string().nullable(),
  who: z.string().describe('Who acted, in words: the operator as recorded, or what the system did ("the system (trial expiry)")'),
  text: z.string().describe('What happened, in words a person knows: plan, login and package names, old and new values ("The price of package \"Música\" on the service \"Fibra 500\" (login maria) changed from R$9.90 to R$4.90"). In the language asked for.'),
});

export const ExplainQuery = z.object({
  product: ProductCode.describe('The platform product code, e.g. mumo'),
  integrationId: Id.optional().describe('Only this integration'),
  lang: z.enum(['en', 'pt-BR']).optional().describe('Language of the words (reason codes do not change); default from `Accept-Language` (`pt…` → pt-BR), else English'),
});
export const SubscriberExplainQuery = ExplainQuery.pick({ product: true, lang: true });

const Reason = AuthoriseReasonV1;

export const ExplanationResource = z.object({
  customerId: Id,
  product: z.string(),
  allowed: z.boolean(),
  summary: z.string().describe('The decisive fact, in words'),
  answers: z.array(
    z.object({
      integrationId: Id,
      subscriberId: z.string().nullable(),
      product: z.string(),
      allowed: z.boolean(),
      reason: Reason.describe('The reason code the gateway answers NEO with in the same state'),
      summary: z.string(),
      details: z.array(z.string()),
      gatewayView: z.object({ version: z.number().int(), reason: Reason }).nullable().describe('What the gateway\'s view was last fed'),
    }),
  ),
});

export const DecisionsQuery = z.object({ limit: Limit, cursor: Cursor, product: ProductCode.optional() });

export const DecisionItem = z.object({
  id: z.string(),
  integrationId: Id,
  subscriberId: z.string(),
  product: z.string(),
  allowed: z.boolean(),
  reason: Reason,
  latencyMicros: z.number().int(),
  at: z.string(),
});

export const ReportQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM').describe('Month in the provider\'s time zone, e.g. 2026-11') });

export const ActiveSubscribersReport = z.object({
  month: z.string(),
  timeZone: z.string(),
  items: z.array(z.object({ integrationId: Id, product: z.string(), activeSubscribers: z.number().int().describe('Distinct subscribers with at least one allowed authorisation in the month') })),
});

export const TrialFailuresQuery = z.object({ limit: Limit });
export const TrialFailureList = z.object({
  items: z.array(
    z.object({
      customerId: Id,
      attempts: z.number().int().describe('Consecutive failed attempts'),
      lastError: z.string().describe('The last error, as the job saw it'),
      firstFailedAt: z.iso.datetime({ offset: true }),
      lastFailedAt: z.iso.datetime({ offset: true }),
      nextAttemptAt: z.iso.datetime({ offset: true }).describe('The job leaves the customer alone until then (backoff: 1 min doubling, at most 6 h)'),
    }),
  ),
});

export const SubscriberResource = z.object({
  subscriberId: z.string(),
  integrationId: Id,
  since: z.string().describe('When the subscriber id was given out'),
  customer: z.object({
    id: Id,
    name: z.string(),
    document: z.string().describe('CPF/CNPJ, masked'),
    delinquent: z.boolean(),
    standingReason: z.string().nullable().describe("billing-status's words for the standing"),
  }),
  services: z.array(
    z.object({ id: Id, status: z.string(), login: z.string().nullable(), planId: Id.nullable(), planName: z.string().nullable().describe('The plan as the customer knows it') }),
  ),
});
