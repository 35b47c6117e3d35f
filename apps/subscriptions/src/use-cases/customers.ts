import { parseKeyId } from '@sva/contracts';
import type { SubscriptionsContext } from '../context.ts';
import { maskTaxDocument, parseTaxDocument } from '../domain/document.ts';
import { duplicateCustomer, invalidDocument } from '../domain/errors.ts';
import { nameSearchForm } from '../domain/name-search.ts';
import { recordHistory } from '../repositories/history.ts';
import { actorOf, runCommand, type CommandOptions } from './command.ts';
import { uniqueViolation } from './unique-violation.ts';

export interface CreateCustomerInput {
  readonly name: string;
  /** CPF or CNPJ, with or without punctuation. */
  readonly document: string;
  readonly email?: string | undefined;
  /** The customer's code in the provider's management system. */
  readonly code?: string | undefined;
}

export interface CustomerCreated {
  readonly id: string;
  readonly name: string;
  readonly documentType: 'cpf' | 'cnpj';
  readonly documentMasked: string;
  readonly email: string | null;
  readonly code: string | null;
}

/**
 * Register a customer. The CPF/CNPJ is checked (check digits) and kept only as a keyed hash and
 * a masked form: enough to find the customer, to let NEO users log in with it (R2), and for
 * support to recognise it.
 */
export async function createCustomer(ctx: SubscriptionsContext, input: CreateCustomerInput, options: CommandOptions = {}): Promise<CustomerCreated> {
  const document = parseTaxDocument(input.document);
  if (!document) throw invalidDocument();
  const documentKey = documentKeyOf(ctx, document.value);
  const data = {
    id: ctx.newId(),
    name: input.name,
    nameSearch: nameSearchForm(input.name),
    documentType: document.type,
    documentKey,
    documentVerifier: ctx.hasher.verifier('cpf_cnpj', documentKey, document.value),
    documentMasked: maskTaxDocument(document),
    // Issue 12 item 6: what a re-key under a new LOGIN_HASH_KEY recomputes the key and verifier from.
    documentSealed: ctx.hasher.seal(document.value),
    email: input.email?.trim().toLowerCase() ?? null,
    code: input.code?.trim() ?? null,
  };
  try {
    return await runCommand(ctx, options, async (tx) => {
      // During a key rotation the same CPF/CNPJ may be stored under a previous key's key.
      if ((await tx.customer.count({ where: { documentKey: { in: documentKeysOf(ctx, document.value) } } })) > 0) throw duplicateCustomer('document');
      // The name's search form also goes to the narrow table the name search reads.
      await tx.customer.create({ data: { ...data, search: { create: { nameSearch: data.nameSearch } } } });
      await recordHistory(tx, { customerId: data.id, action: 'customer_created', actor: actorOf(options), at: ctx.clock.now() });
      return { id: data.id, name: data.name, documentType: document.type, documentMasked: data.documentMasked, email: data.email, code: data.code };
    });
  } catch (error) {
    const fields = uniqueViolation(error);
    if (fields) throw duplicateCustomer(fields.some((f) => f.includes('code')) ? 'code' : 'document');
    throw error;
  }
}

/** The key a CPF/CNPJ is found by (the same key NEO logins by CPF/CNPJ use, R2). */
export function documentKeyOf(ctx: SubscriptionsContext, document: string): string {
  return ctx.hasher.key('cpf_cnpj', document);
}

/**
 * Every key a CPF/CNPJ may be stored under: made by the current or a previous key (during a
 * rotation), with its key id or from before key ids.
 */
export function documentKeysOf(ctx: SubscriptionsContext, document: string): string[] {
  return ctx.hasher.keys('cpf_cnpj', document).flatMap((key) => [key, parseKeyId(key).value]);
}
