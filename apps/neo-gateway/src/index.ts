export { buildGatewayService, type GatewayDependencies } from './service.ts';
export { loadConfig, type GatewayConfig } from './config.ts';
