import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseEnv, ConfigError, databaseEnv, env, parseEnv, readBaseConfig, readDatabaseConfig } from '../src/index.ts';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  const schema = z.object({ DATABASE_URL: env.postgresUrl(), PORT: env.port(3000) });

  it('when a required variable is missing, then the ConfigError names it as required', () => {
    const error = configError(() => parseEnv(schema, {}));
    expect(error.name).toBe('ConfigError');
    expect(error.issues).toEqual([{ variable: 'DATABASE_URL', message: 'is required' }]);
    expect(error.message).toContain('DATABASE_URL: is required');
  });

  it('when a required enum variable is missing, then it is reported as required too', () => {
    const error = configError(() => parseEnv(z.object({ MODE: z.enum(['a', 'b']) }), {}));
    expect(error.issues).toEqual([{ variable: 'MODE', message: 'is required' }]);
  });

  it('when a variable has a wrong value, then the message names the variable and what is wrong', () => {
    const error = configError(() => parseEnv(schema, { DATABASE_URL: 'postgres://db/x', PORT: '70000' }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.variable).toBe('PORT');
    expect(error.message).toMatch(/PORT: .*65535/);
  });

  it('when several variables are bad, then every one is listed', () => {
    const error = configError(() => parseEnv(schema, { PORT: 'abc' }));
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual(['DATABASE_URL', 'PORT']);
  });

  it('when a variable is an empty string, then it counts as unset', () => {
    expect(parseEnv(schema, { DATABASE_URL: 'postgres://db/x', PORT: '' }).PORT).toBe(3000);
    expect(parseEnv(schema, { DATABASE_URL: 'postgres://db/x', PORT: '  ' }).PORT).toBe(3000);
    expect(configError(() => parseEnv(schema, { DATABASE_URL: '' })).issues).toEqual([
      { variable: 'DATABASE_URL', message: 'is required' },
    ]);
  });

  it('when optional variables are unset, then their defaults apply', () => {
    const parsed = parseEnv(
      z.object({ PORT: env.port(8080), HOST: env.host(), LOG_LEVEL: env.logLevel(), DRY_RUN: env.bool(true), WAIT: env.durationMs(250) }),
      {},
    );
    expect(parsed).toEqual({ PORT: 8080, HOST: '0.0.0.0', LOG_LEVEL: 'info', DRY_RUN: true, WAIT: 250 });
  });

  it('when variables are given, then they are coerced to their types', () => {
    const parsed = parseEnv(z.object({ PORT: env.port(8080), WAIT: env.durationMs(250) }), { PORT: '0', WAIT: '1500' });
    expect(parsed).toEqual({ PORT: 0, WAIT: 1500 });
  });

  it('when other variables are present, then they are ignored', () => {
    expect(parseEnv(z.object({ PORT: env.port(1) }), { PORT: '2', PATH: '/usr/bin' })).toEqual({ PORT: 2 });
  });
});

describe('env building blocks', () => {
  it('when a list is comma-separated with blanks, then it is trimmed and the blanks dropped', () => {
    expect(parseEnv(z.object({ KEYS: env.list() }), { KEYS: ' a, b ,,c ,' }).KEYS).toEqual(['a', 'b', 'c']);
  });

  it('when a bool is true/false/1/0, then it parses, and anything else is refused', () => {
    const schema = z.object({ FLAG: env.bool(false) });
    expect(parseEnv(schema, { FLAG: 'true' }).FLAG).toBe(true);
    expect(parseEnv(schema, { FLAG: '1' }).FLAG).toBe(true);
    expect(parseEnv(schema, { FLAG: 'false' }).FLAG).toBe(false);
    expect(parseEnv(schema, { FLAG: '0' }).FLAG).toBe(false);
    expect(parseEnv(schema, {}).FLAG).toBe(false);
    expect(configError(() => parseEnv(schema, { FLAG: 'yes' })).issues[0]!.variable).toBe('FLAG');
  });

  it('when a database URL is postgres:// or postgresql://, then it is accepted', () => {
    const schema = z.object({ URL: env.postgresUrl() });
    expect(parseEnv(schema, { URL: 'postgres://u:p@127.0.0.1:5432/test' }).URL).toBe('postgres://u:p@127.0.0.1:5432/test');
    expect(parseEnv(schema, { URL: 'postgresql://127.0.0.1/test' }).URL).toBe('postgresql://127.0.0.1/test');
  });

  it('when a database URL is mysql://, then it is refused as not a postgres URL', () => {
    const error = configError(() => parseEnv(z.object({ URL: env.postgresUrl() }), { URL: 'mysql://127.0.0.1/test' }));
    expect(error.issues).toEqual([{ variable: 'URL', message: 'must be a postgres:// URL' }]);
  });

  it('when a NATS URL list is given, then nats:// is accepted and http:// refused', () => {
    const schema = z.object({ NATS_URL: env.natsUrl() });
    expect(parseEnv(schema, { NATS_URL: 'nats://a:4222,nats://b:4222' }).NATS_URL).toBe('nats://a:4222,nats://b:4222');
    expect(configError(() => parseEnv(schema, { NATS_URL: 'http://a:4222' })).message).toContain('must be a nats:// URL');
  });

  it('when a secret is shorter than 32 characters, then it is refused', () => {
    const schema = z.object({ SECRET: env.secret() });
    expect(configError(() => parseEnv(schema, { SECRET: 'short' })).message).toContain('SECRET: must be at least 32 characters');
    expect(parseEnv(schema, { SECRET: 'x'.repeat(32) }).SECRET).toHaveLength(32);
  });
});

describe('baseEnv and databaseEnv', () => {
  const schema = z.object({ ...baseEnv('CATALOG', 3001), ...databaseEnv('CATALOG') });

  it('when only the database URL is set, then the service config uses the defaults and no NATS URL', () => {
    const values = parseEnv(schema, { CATALOG_DATABASE_URL: 'postgres://127.0.0.1/catalog' });
    expect(readBaseConfig(values, 'CATALOG')).toEqual({
      http: { host: '0.0.0.0', port: 3001, trustProxy: false, rateLimitPerMinute: 1_200, overload: { maxEventLoopDelayMs: 500, maxEventLoopUtilization: 0 } },
      logLevel: 'info',
      bus: { natsUrl: undefined, prefix: undefined },
    });
    expect(readDatabaseConfig(values, 'CATALOG')).toEqual({ url: 'postgres://127.0.0.1/catalog', poolMax: 10 });
  });

  it('when every variable is set, then the config carries them', () => {
    const values = parseEnv(schema, {
      CATALOG_HOST: '127.0.0.1',
      CATALOG_PORT: '0',
      LOG_LEVEL: 'debug',
      NATS_URL: 'nats://127.0.0.1:4222',
      BUS_PREFIX: 'run1.',
      CATALOG_DATABASE_URL: 'postgres://127.0.0.1/catalog',
      CATALOG_DATABASE_POOL_MAX: '1',
      CATALOG_TRUST_PROXY: '10.0.0.0/8, 2001:db8::1',
      CATALOG_RATE_LIMIT_PER_MINUTE: '60',
      CATALOG_MAX_EVENT_LOOP_DELAY_MS: '200',
      CATALOG_MAX_EVENT_LOOP_UTILIZATION: '0.95',
    });
    expect(readBaseConfig(values, 'CATALOG')).toEqual({
      http: { host: '127.0.0.1', port: 0, trustProxy: ['10.0.0.0/8', '2001:db8::1'], rateLimitPerMinute: 60, overload: { maxEventLoopDelayMs: 200, maxEventLoopUtilization: 0.95 } },
      logLevel: 'debug',
      bus: { natsUrl: 'nats://127.0.0.1:4222', prefix: 'run1.' },
    });
    expect(readDatabaseConfig(values, 'CATALOG').poolMax).toBe(1);
  });

  it('when NATS_STREAM_REPLICAS is set, then the bus settings carry it for the streams and buckets the service creates', () => {
    const values = parseEnv(schema, { CATALOG_DATABASE_URL: 'postgres://127.0.0.1/c', NATS_STREAM_REPLICAS: '3' });
    expect(readBaseConfig(values, 'CATALOG').bus).toEqual({ natsUrl: undefined, prefix: undefined, streamReplicas: 3 });
  });

  it('when NATS_STREAM_REPLICAS is 0 or above 5 (JetStream\'s limit), then it is refused', () => {
    for (const replicas of ['0', '6', 'three']) {
      const error = configError(() => parseEnv(schema, { CATALOG_DATABASE_URL: 'postgres://127.0.0.1/c', NATS_STREAM_REPLICAS: replicas }));
      expect(error.issues.map((issue) => issue.variable)).toEqual(['NATS_STREAM_REPLICAS']);
    }
  });

  it('when the bus prefix has no trailing dot, then the dot is added; other characters are refused with what is expected', () => {
    expect(readBaseConfig(parseEnv(schema, { CATALOG_DATABASE_URL: 'postgres://127.0.0.1/c', BUS_PREFIX: 'run1' }), 'CATALOG').bus.prefix).toBe('run1.');
    const error = configError(() => parseEnv(schema, { CATALOG_DATABASE_URL: 'postgres://127.0.0.1/c', BUS_PREFIX: 'Run-1' }));
    expect(error.issues[0]).toMatchObject({ variable: 'BUS_PREFIX', message: expect.stringContaining('lowercase letters and digits') });
  });

  it('when the proxy trust is a hop count, an address list, or false, then it is read as such', () => {
    const trust = (value: string) => readBaseConfig(parseEnv(schema, { CATALOG_DATABASE_URL: 'postgres://127.0.0.1/c', CATALOG_TRUST_PROXY: value }), 'CATALOG').http.trustProxy;
    expect(trust('2')).toBe(2);
    expect(trust('0')).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('192.168.1.10,10.0.0.0/8')).toEqual(['192.168.1.10', '10.0.0.0/8']);
  });

  it('when the proxy trust is "true" or not an address, then it is refused, saying what to give instead', () => {
    for (const value of ['true', '10.0.0.0/33', 'ingress', '1.2.3']) {
      const error = configError(() => parseEnv(schema, { CATALOG_DATABASE_URL: 'postgres://127.0.0.1/c', CATALOG_TRUST_PROXY: value }));
      expect(error.issues.map((issue) => issue.variable)).toEqual(['CATALOG_TRUST_PROXY']);
      expect(error.issues[0]!.message).toMatch(/number of proxy hops|number of proxies/);
    }
  });
});
