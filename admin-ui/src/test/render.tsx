import { App as AntApp } from 'antd';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { I18nProvider, type Language } from '../i18n/i18n';

/** Renders a component with the console's providers (English unless asked). */
export function renderWithProviders(ui: ReactElement, opts: { language?: Language; route?: string } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <I18nProvider language={opts.language ?? 'en'}>
      <QueryClientProvider client={client}>
        <AntApp>
          <MemoryRouter initialEntries={[opts.route ?? '/']}>{ui}</MemoryRouter>
        </AntApp>
      </QueryClientProvider>
    </I18nProvider>,
  );
}
