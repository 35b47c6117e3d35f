import type { LoginField } from '@sva/contracts';
import type { CatalogContext } from '../context.ts';
import { callbackUrl, newCallbackSecret, secretVerifier, type Integration } from '../domain/integration.ts';
import { announceIntegration, toIntegration } from '../repositories/integration.repository.ts';

export interface CreateIntegrationInput {
  readonly description: string;
  readonly loginField: LoginField;
  readonly singlePackage: boolean;
  readonly syncSubscriptionStatus: boolean;
  readonly exclusivePackages: boolean;
  readonly active: boolean;
  readonly platform: { readonly baseUrl: string; readonly clientId: string; readonly clientSecret: string };
}

/** The new integration, with its callback secret: shown this once, never stored (R3). */
export interface CreatedIntegration {
  readonly integration: Integration;
  readonly callbackSecret: string;
  readonly callbackUrl: string;
}

/**
 * R1, R3: configure a link to NEO. A random callback secret is generated; only its verifier is
 * kept. The integration and its gateway record are announced in the same transaction.
 */
export async function createIntegration(ctx: CatalogContext, input: CreateIntegrationInput): Promise<CreatedIntegration> {
  const secret = newCallbackSecret(ctx.randomBytes);
  const now = ctx.clock.now();
  const id = ctx.newId();
  const integration = await ctx.transaction(async (tx) => {
    const row = await tx.integration.create({
      data: {
        id,
        type: 'neo',
        description: input.description,
        loginField: input.loginField,
        singlePackage: input.singlePackage,
        syncSubscriptionStatus: input.syncSubscriptionStatus,
        exclusivePackages: input.exclusivePackages,
        active: input.active,
        platformBaseUrl: input.platform.baseUrl,
        platformClientId: input.platform.clientId,
        platformSecretSealed: ctx.sealer.seal(input.platform.clientSecret),
        secretSha256: secretVerifier(secret),
        version: 1,
      },
    });
    const created = toIntegration(row);
    await announceIntegration(tx, created, now);
    return created;
  });
  return { integration, callbackSecret: secret, callbackUrl: callbackUrl(ctx.gatewayPublicUrl, id, secret) };
}
