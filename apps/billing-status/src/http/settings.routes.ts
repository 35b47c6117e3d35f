import type { HttpApp } from '@sva/service-kit';
import type { BillingContext } from '../context.ts';
import { getSettings, saveSettings } from '../use-cases/settings.ts';
import { iso, SettingsBody, SettingsResource } from './schemas.ts';

/** The provider's billing settings (R16). */
export function settingsRoutes(app: HttpApp, ctx: BillingContext): void {
  app.get('/v1/settings', {
    schema: { tags: ['settings'], summary: 'Provider settings: grace days, maximum trust unblock, daily evaluation time, time zone (R16)', response: { 200: SettingsResource } },
  }, async () => {
    const settings = await getSettings(ctx);
    return { ...settings, updatedAt: iso(settings.updatedAt) };
  });

  app.put('/v1/settings', {
    schema: {
      tags: ['settings'],
      summary: 'Save the provider settings (R16)',
      description: 'They apply to each judgement from now on; run `POST /v1/daily-evaluations` to re-judge everybody at once.',
      body: SettingsBody,
      response: { 200: SettingsResource },
    },
  }, async (request) => {
    const settings = await saveSettings(ctx, request.body);
    return { ...settings, updatedAt: iso(settings.updatedAt) };
  });
}
