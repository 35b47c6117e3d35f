import { CalendarDate } from '@sva/contracts';
import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { BillingContext } from '../context.ts';
import { evaluationNotFound } from '../domain/errors.ts';
import { claimEvaluation, findDailyEvaluation, listDailyEvaluations, type EvaluationClaim, type EvaluationReport } from '../use-cases/daily-evaluation.ts';
import { explainStanding } from '../use-cases/standing-query.ts';
import { grantCustomerTrustUnblock, listTrustUnblocks } from '../use-cases/trust-unblocks.ts';
import { CustomerParams, EvaluationResource, iso, StandingResource, TrustUnblockBody, TrustUnblockResource } from './schemas.ts';

const evaluationResource = (run: EvaluationReport) => ({ ...run, startedAt: run.startedAt.toISOString(), finishedAt: iso(run.finishedAt) });

/** What the standing routes need besides the context. */
export interface StandingRouteDeps {
  /** Run a claimed evaluation in the background (the scheduler owns it, and waits for it on shutdown). */
  readonly launchEvaluation: (claim: EvaluationClaim) => void;
}

/** Standing and why, trust unblocks, and the daily evaluation (R16). */
export function standingRoutes(app: HttpApp, ctx: BillingContext, deps: StandingRouteDeps): void {
  app.get('/v1/customers/:id/standing', {
    schema: { tags: ['standing'], summary: "A customer's payment standing and why: which invoice, since when, trust unblock until when (R16)", params: CustomerParams, response: { 200: StandingResource } },
  }, async (request) => {
    const explained = await explainStanding(ctx, request.params.id);
    return {
      ...explained,
      since: iso(explained.since),
      updatedAt: iso(explained.updatedAt),
      trustUnblock: explained.trustUnblock
        ? { ...explained.trustUnblock, grantedAt: explained.trustUnblock.grantedAt.toISOString(), until: explained.trustUnblock.until.toISOString() }
        : null,
    };
  });

  app.post('/v1/customers/:id/trust-unblocks', {
    schema: {
      tags: ['standing'],
      summary: 'Grant a delinquent customer a trust unblock of N days (R16, desbloqueio em confiança)',
      description: 'The customer counts as in good standing until `until`; if still owing then, delinquent again with no manual step.',
      params: CustomerParams,
      body: TrustUnblockBody,
      response: { 201: TrustUnblockResource },
    },
  }, async (request, reply) => {
    const { grant } = await grantCustomerTrustUnblock(ctx, request.params.id, request.body);
    return reply.code(201).send({ ...grant, grantedAt: grant.grantedAt.toISOString(), until: grant.until.toISOString(), endedAt: null, endReason: null });
  });

  app.get('/v1/customers/:id/trust-unblocks', {
    schema: { tags: ['standing'], summary: 'Trust unblocks granted to a customer, newest first (R16)', params: CustomerParams, response: { 200: z.object({ items: z.array(TrustUnblockResource) }) } },
  }, async (request) => ({
    items: (await listTrustUnblocks(ctx, request.params.id)).map((grant) => ({
      ...grant,
      grantedAt: grant.grantedAt.toISOString(),
      until: grant.until.toISOString(),
      endedAt: iso(grant.endedAt),
    })),
  }));

  app.post('/v1/daily-evaluations', {
    schema: {
      tags: ['standing'],
      summary: "Start today's evaluation now (R16)",
      description:
        'Re-judges every customer who may have changed (invoices crossing grace, trust unblocks run out, new settings). Answers 202 at once; follow `Location` until `finishedAt` is set. The scheduler runs it once a day by itself.',
      response: { 202: EvaluationResource },
    },
  }, async (_request, reply) => {
    // An operator claim either succeeds or throws BILLING_EVALUATION_RUNNING: never null.
    const claim = (await claimEvaluation(ctx, 'operator'))!;
    deps.launchEvaluation(claim);
    const running: EvaluationReport = { day: claim.day, trigger: claim.trigger, runner: ctx.runner, startedAt: claim.startedAt, finishedAt: null, candidates: null, changed: null, batches: null, durationMs: null, candidatesMs: null };
    return reply.code(202).header('location', `/v1/daily-evaluations/${claim.day}`).send(evaluationResource(running));
  });

  app.get('/v1/daily-evaluations/:day', {
    schema: { tags: ['standing'], summary: "One day's evaluation (running while `finishedAt` is null)", params: z.object({ day: CalendarDate }), response: { 200: EvaluationResource } },
  }, async (request) => {
    const run = await findDailyEvaluation(ctx, request.params.day);
    if (!run) throw evaluationNotFound(request.params.day);
    return evaluationResource(run);
  });

  app.get('/v1/daily-evaluations', {
    schema: {
      tags: ['standing'],
      summary: 'The latest daily evaluations, newest first',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
      response: { 200: z.object({ items: z.array(EvaluationResource) }) },
    },
  }, async (request) => ({ items: (await listDailyEvaluations(ctx, request.query.limit)).map(evaluationResource) }));
}
