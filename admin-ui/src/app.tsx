import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { isApiError } from './api/api-error';
import { AuthProvider } from './auth/auth-context';
import { LoginPage, SetupPage } from './auth/auth-pages';
import { I18nProvider, useI18n } from './i18n/i18n';
import { AppLayout } from './layout/app-layout';
import { NotFoundPage } from './layout/not-found-page';
import { DashboardPage } from './features/dashboard/dashboard-page';
import { JobsPage } from './features/jobs/jobs-page';
import { JobDetailPage } from './features/jobs/job-detail-page';
import { JobEditPage } from './features/jobs/job-edit-page';
import { RunsPage } from './features/runs/runs-page';
import { RunDetailPage } from './features/runs/run-detail-page';
import { ExecutorsPage } from './features/executors/executors-page';
import { ClusterPage } from './features/cluster/cluster-page';
import { AlertsPage } from './features/alerts/alerts-page';
import { UsersPage } from './features/users/users-page';
import { ApiKeysPage } from './features/users/api-keys-page';
import { AuditPage } from './features/audit/audit-page';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // 4xx answers are final; only flaky networks and 5xx are worth another try.
        retry: (count, e) => count < 2 && !(isApiError(e) && e.status >= 400 && e.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}

function LocalizedAntd({ children }: { children: ReactNode }) {
  const { language } = useI18n();
  useEffect(() => {
    dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
    document.documentElement.lang = language;
  }, [language]);
  return (
    <ConfigProvider locale={language === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#3056d3', borderRadius: 6 } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function ConsoleRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/setup" element={<SetupPage />} />
      <Route element={<AppLayout />}>
        <Route index element={<DashboardPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/new" element={<JobEditPage />} />
        <Route path="jobs/:job" element={<JobDetailPage />} />
        <Route path="jobs/:job/edit" element={<JobEditPage />} />
        <Route path="runs" element={<RunsPage />} />
        <Route path="runs/:id" element={<RunDetailPage />} />
        <Route path="executors" element={<ExecutorsPage />} />
        <Route path="cluster" element={<ClusterPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="api-keys" element={<ApiKeysPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function ConsoleApp() {
  const [client] = useState(createQueryClient);
  return (
    <I18nProvider>
      <QueryClientProvider client={client}>
        <LocalizedAntd>
          <BrowserRouter>
            <AuthProvider>
              <ConsoleRoutes />
            </AuthProvider>
          </BrowserRouter>
        </LocalizedAntd>
      </QueryClientProvider>
    </I18nProvider>
  );
}
