export { buildFinancialSimulatorService, type FinancialSimulatorServiceOptions } from './control.ts';
export { calendarDateIn, dueDateOf, invoiceIdOf, invoicesOf, issuedFact, LineStreamError, type CustomerInvoice } from './invoicing.ts';
export { platformClient, UpstreamRefusal, type PlatformClient, type ServiceUrls } from './services.ts';
export {
  createFinancialSimulator,
  LISTED_INVOICES,
  type CloseAndInvoice,
  type FinancialOptions,
  type FinancialSimulator,
  type InvoicedInvoice,
  type InvoiceRun,
  type PaymentOutcome,
} from './simulator.ts';
