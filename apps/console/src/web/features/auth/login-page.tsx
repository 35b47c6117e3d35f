import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { Field, ProblemMessage, problemOf } from '../../shared/ui.tsx';
import { useSessionActions } from './session.ts';

export function LoginPage() {
  const { t } = useI18n();
  const { login } = useSessionActions();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const attempt = useMutation({ mutationFn: () => login(username, password) });
  return (
    <main className="login">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          attempt.mutate();
        }}
      >
        <h1>{t('loginTitle')}</h1>
        <Field label={t('username')} name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} problem={problemOf(attempt.error)} required />
        <Field label={t('password')} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        <ProblemMessage error={attempt.error} />
        <button type="submit" disabled={attempt.isPending}>
          {t('login')}
        </button>
      </form>
    </main>
  );
}
