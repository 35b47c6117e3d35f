import { useQuery, useQueryClient } from '@tanstack/react-query';
import { consoleCall, setCsrfToken } from '../../shared/api.ts';

export interface Session {
  readonly operator: { readonly id: string; readonly username: string; readonly displayName: string; readonly role: 'admin' | 'operator' | 'support' };
  readonly csrfToken: string;
  /** The embedded demo clock is on and this operator may move it (admin). */
  readonly demoClock: boolean;
}

/** The current session, `null` when logged out. */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        const session = await consoleCall<Session>('GET', '/api/session');
        setCsrfToken(session.csrfToken);
        return session;
      } catch {
        return null;
      }
    },
    staleTime: Infinity,
  });
}

export function useSessionActions() {
  const queries = useQueryClient();
  return {
    async login(username: string, password: string) {
      const session = await consoleCall<Session>('POST', '/api/session', { username, password });
      setCsrfToken(session.csrfToken);
      queries.setQueryData(['session'], session);
    },
    async logout() {
      await consoleCall('DELETE', '/api/session').catch(() => undefined);
      setCsrfToken('');
      queries.clear();
      queries.setQueryData(['session'], null);
    },
  };
}
