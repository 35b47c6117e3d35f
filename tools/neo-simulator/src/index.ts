export {
  DEFAULT_NEO_PRODUCTS,
  NEO_FAULTS,
  startNeoSimulator,
  type NeoCredentials,
  type NeoFault,
  type NeoFaultOptions,
  type NeoProduct,
  type NeoSimulator,
  type NeoSimulatorOptions,
} from './simulator.ts';
export { parseProductsFile, ProductsFileError } from './products-file.ts';
export * from './neo-client.ts';
