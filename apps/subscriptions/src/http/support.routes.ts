import type { HttpApp } from '@sva/service-kit';
import type { SubscriptionsContext } from '../context.ts';
import { activeSubscribersReport } from '../use-cases/decisions.ts';
import { explainForSubscriber, explainLanguage } from '../use-cases/explain.ts';
import { lookupSubscriber } from '../use-cases/subscribers.ts';
import { listTrialFailures } from '../use-cases/trials.ts';
import { ActiveSubscribersReport, ExplanationResource, ReportQuery, SubscriberExplainQuery, SubscriberParams, SubscriberResource, TrialFailureList, TrialFailuresQuery } from './schemas.ts';

/** The support view by subscriber id (what NEO reports), the monthly report, and the trial job's failures. */
export function supportRoutes(app: HttpApp, ctx: SubscriptionsContext): void {
  app.get('/v1/subscribers/:subscriberId', {
    schema: {
      tags: ['support'],
      summary: 'Who a subscriber id is (R13): the customer, the integration, the services',
      description: 'For support on the phone with a subscriber id NEO reported: the customer (document masked), the integration the id belongs to, and the services by plan and login.',
      params: SubscriberParams,
      response: { 200: SubscriberResource },
    },
  }, async (request) => lookupSubscriber(ctx, request.params.subscriberId));

  app.get('/v1/subscribers/:subscriberId/explain', {
    schema: {
      tags: ['support'],
      summary: 'May this subscriber use a product now, and why (R15) — by the subscriber id NEO knows',
      params: SubscriberParams,
      querystring: SubscriberExplainQuery,
      response: { 200: ExplanationResource },
    },
  }, async (request) => explainForSubscriber(ctx, request.params.subscriberId, request.query.product, explainLanguage(request.query.lang, request.headers['accept-language'])));

  app.get('/v1/reports/active-subscribers', {
    schema: {
      tags: ['reports'],
      summary: 'Active subscribers per product in a month',
      description: 'Distinct subscribers with at least one allowed authorisation per integration and product in the month (provider time zone), from the gateway\'s decisions.',
      querystring: ReportQuery,
      response: { 200: ActiveSubscribersReport },
    },
  }, async (request) => ({ month: request.query.month, timeZone: ctx.timeZone, items: await activeSubscribersReport(ctx, request.query.month) }));

  app.get('/v1/trial-expiry/failures', {
    schema: {
      tags: ['support'],
      summary: 'Customers whose trial expiry is failing (R11), with the error and the next attempt',
      description:
        'The trial-expiry job records a customer whose step failed and retries it with backoff (1 min, doubling, at most 6 h) while it goes on with the others; the record goes once the customer is handled. Soonest retried first.',
      querystring: TrialFailuresQuery,
      response: { 200: TrialFailureList },
    },
  }, async (request) => {
    const failures = await listTrialFailures(ctx, request.query.limit);
    return {
      items: failures.map((f) => ({
        ...f,
        firstFailedAt: f.firstFailedAt.toISOString(),
        lastFailedAt: f.lastFailedAt.toISOString(),
        nextAttemptAt: f.nextAttemptAt.toISOString(),
      })),
    };
  });
}
