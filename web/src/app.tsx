import { useEffect, useState } from 'react';
import { currentKey, signOut } from './api/session';
import { Empty } from './components/states';
import { BuilderPage } from './pages/builder';
import { ComparePage } from './pages/compare';
import { OverviewPage } from './pages/overview';
import { PersonasPage } from './pages/personas';
import { PredictionsPage } from './pages/predictions';
import { RfmPage } from './pages/rfm';
import { SegmentPage } from './pages/segment';
import { SignInPage } from './pages/sign-in';
import { Link, match, useLocation } from './router';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/segments/new', label: 'New segment' },
  { href: '/rfm', label: 'RFM' },
  { href: '/personas', label: 'Personas' },
  { href: '/predictions', label: 'Predictions' },
  { href: '/compare', label: 'Compare' },
] as const;

function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(() => currentKey() !== null);
  useEffect(() => {
    const update = () => setSignedIn(currentKey() !== null);
    window.addEventListener('strata:session', update);
    window.addEventListener('storage', update);
    return () => {
      window.removeEventListener('strata:session', update);
      window.removeEventListener('storage', update);
    };
  }, []);
  return signedIn;
}

function Page({ path }: { readonly path: string }) {
  if (path === '/' || path === '') return <OverviewPage />;
  if (path === '/segments/new') return <BuilderPage id={null} />;
  const edit = match('/segments/:id/edit', path);
  if (edit?.['id']) return <BuilderPage id={edit['id']} />;
  const segment = match('/segments/:id', path);
  if (segment?.['id']) return <SegmentPage id={segment['id']} />;
  if (path === '/rfm') return <RfmPage />;
  if (path === '/personas') return <PersonasPage />;
  if (path === '/predictions') return <PredictionsPage />;
  if (path === '/compare') return <ComparePage />;
  return (
    <Empty title="There is no page here.">
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </Empty>
  );
}

const current = (href: string, path: string) => (href === '/' ? path === '/' : path.startsWith(href));

export function App() {
  const signedIn = useSignedIn();
  const { path } = useLocation();
  if (!signedIn) return <SignInPage />;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <Link href="/" className="brand">
          Strata
        </Link>
        <ul>
          {NAV.map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={current(item.href, path) ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <a href="/api/docs" target="_blank" rel="noreferrer">
            API docs
          </a>
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </div>
  );
}
