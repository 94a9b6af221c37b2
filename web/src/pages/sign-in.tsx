import { type FormEvent, useState } from 'react';
import { api, messageOf } from '../api/client';
import { signIn } from '../api/session';

interface SessionCheck {
  readonly signedIn: boolean;
  readonly reason?: string;
}

/** Asks for an admin key and checks it against the API before keeping it. */
export function SignInPage() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setError(null);
    try {
      const check = await api.check<SessionCheck>('/api/session', key.trim());
      if (check.signedIn) signIn(key);
      else
        setError(
          `This key is not an active admin key (${check.reason ?? 'refused'}). ` +
            'Create one with `strata keys create --scope admin`.',
        );
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>Strata</h1>
        <p className="muted">
          Sign in with an admin key. <code>strata demo</code> prints a link that signs you in;{' '}
          <code>strata keys create --scope admin</code> makes a key.
        </p>
        <label>
          Admin key
          <input
            type="password"
            autoComplete="off"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            required
            aria-invalid={error !== null}
            aria-describedby={error ? 'sign-in-error' : undefined}
          />
        </label>
        {error ? (
          <p id="sign-in-error" className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={checking || key.trim() === ''}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
