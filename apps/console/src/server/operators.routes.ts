import { problem, sendProblem, type HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import { createOperator, listOperators } from './accounts.ts';
import type { ConsoleContext } from './context.ts';
import { requireSession } from './guard.ts';
import { ROLES } from './roles.ts';

const Operator = z.object({ id: z.uuid(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) });
const tags = ['operators'];

/** Operator accounts: admin only. */
export function operatorRoutes(app: HttpApp, ctx: ConsoleContext): void {
  const guard = requireSession(ctx);
  const adminOnly = async (request: Parameters<ReturnType<typeof requireSession>>[0], reply: Parameters<ReturnType<typeof requireSession>>[1]) => {
    await guard(request, reply);
    if (reply.sent) return;
    if (request.consoleSession?.operator.role !== 'admin') {
      return sendProblem(reply, problem(403, 'CONSOLE_ROLE_FORBIDDEN', 'only an admin manages operator accounts'));
    }
  };

  app.get('/api/operators', {
    schema: { tags, operationId: 'listOperators', summary: 'Operator accounts', response: { 200: z.object({ items: z.array(Operator) }) } },
    onRequest: adminOnly,
  }, async () => ({ items: await listOperators(ctx) }));

  app.post('/api/operators', {
    schema: {
      tags,
      operationId: 'createOperator',
      summary: 'Create an operator account',
      body: z.object({
        username: z.string().regex(/^[a-z0-9._-]{3,64}$/, 'lowercase letters, digits, dot, dash or underscore (3–64)'),
        displayName: z.string().trim().min(1).max(100),
        role: z.enum(ROLES),
        password: z.string().min(12, 'at least 12 characters').max(256),
      }),
      response: { 201: Operator },
    },
    onRequest: adminOnly,
  }, async (request, reply) => {
    const created = await createOperator(ctx, request.body);
    if (!created) {
      return sendProblem(reply, problem(409, 'CONSOLE_USERNAME_TAKEN', 'this user name is taken', { errors: [{ path: 'username', message: 'already taken' }] }));
    }
    return reply.code(201).send(created);
  });
}
