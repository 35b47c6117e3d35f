import Fastify from 'fastify';

/**
 * The gateway benchmark's baseline, run as its own process like the gateway: bare fastify (no
 * logger, no schemas, no hooks) answering `GET /hello` with a constant and `POST /echo` by parsing
 * the JSON body and answering a constant. Prints `{"url": …}` once listening.
 */
const app = Fastify();
app.get('/hello', async () => ({ hello: 'world' }));
app.post('/echo', async (request) => {
  void request.body;
  return { ok: true };
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
