import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The base stylesheet first, so each page's own stylesheet (imported with the page) wins ties with it.
import './styles.css';
import { takeKeyFromUrl } from './api/session';
import { App } from './app';

takeKeyFromUrl();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
