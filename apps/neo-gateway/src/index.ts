export { buildGatewayService, createGateway, GATEWAY_VERSION, type Gateway, type GatewayDependencies } from './service.ts';
export { loadConfig, gatewayDefaults, defaultGatewayId, type GatewayConfig } from './config.ts';
export { quickChildLogger } from './http/request-logger.ts';
