import { describe, expect, it } from 'vitest';
import { historyText, historyWho, type HistoryFacts, type HistoryNames } from './history-words.ts';
import { systemActors } from './history.ts';

const names: HistoryNames = {
  packageNames: new Map([['p1', 'Música']]),
  planNames: new Map([['s1', '300 Mega']]),
  serviceLogins: new Map([['s1', 'joao.silva'], ['s2', 'casa']]),
};
const entry = (fields: Partial<HistoryFacts>): HistoryFacts => ({
  action: 'customer_created',
  actor: 'ana',
  serviceId: null,
  packageId: null,
  oldPriceCents: null,
  newPriceCents: null,
  oldStatus: null,
  newStatus: null,
  reason: null,
  ...fields,
});

describe('history in words', () => {
  it('when the system ends a trial or billing changes the standing, then it says so with the names, and who in words', () => {
    const trial = entry({ action: 'trial_exclusion_queued', actor: systemActors.trialExpiry, serviceId: 's1', packageId: 'p1', reason: 'trial ended on 2026-12-10; grants products on x' });
    expect(historyText(trial, names, 'pt-BR')).toBe('A degustação do pacote "Música" no serviço "300 Mega" (login joao.silva) terminou; está sendo retirado das plataformas');
    expect(historyText(trial, names, 'en')).toBe('The trial of package "Música" on the service "300 Mega" (login joao.silva) ended; it is being removed from the platforms');
    expect(historyWho(systemActors.trialExpiry, 'pt-BR')).toBe('o sistema (fim de degustação)');
    expect(historyWho('ana', 'en')).toBe('ana');

    const owing = entry({ action: 'standing_changed', actor: systemActors.billing, oldStatus: 'good', newStatus: 'delinquent', reason: 'invoice INV-1 overdue' });
    expect(historyText(owing, names, 'pt-BR')).toBe('O cliente ficou inadimplente (invoice INV-1 overdue)');
    expect(historyText({ ...owing, oldStatus: 'delinquent', newStatus: 'good', reason: null }, names, 'en')).toBe('The customer is in good standing again');
  });

  it('when an operator detaches a package with a reason, then the reason is quoted; an unknown package is named by its id', () => {
    const detached = entry({ action: 'package_detached', serviceId: 's2', packageId: 'p9', oldPriceCents: 990, reason: 'pedido do cliente' });
    expect(historyText(detached, names, 'pt-BR')).toBe('O pacote "p9" foi retirado do serviço de login casa — motivo: pedido do cliente');
    expect(historyText(detached, names, 'en')).toBe('Package "p9" was removed from the service with login casa — reason: pedido do cliente');
  });

  it('when a price goes back to the catalog price, then the default reason the service writes is not repeated', () => {
    const back = entry({ action: 'price_changed', serviceId: 's1', packageId: 'p1', oldPriceCents: 490, newPriceCents: null, reason: 'back to the catalog price' });
    expect(historyText(back, names, 'pt-BR')).toBe('O preço do pacote "Música" no serviço "300 Mega" (login joao.silva) passou de R$ 4,90 para o preço do catálogo');
  });
});
