import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SCHEDULE_TYPES } from '@baton/protocol';

/** Placeholder until the console lands: points operators to the API and its docs. */
function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '4rem auto', lineHeight: 1.5 }}>
      <h1>Baton</h1>
      <p>The scheduler server is running. The admin console is on its way; until then use the REST API.</p>
      <ul>
        <li>
          <a href="/api/docs">API reference (OpenAPI)</a>
        </li>
        <li>
          <a href="/healthz">Health</a>
        </li>
      </ul>
      <p>Schedule types: {SCHEDULE_TYPES.join(', ')}.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
