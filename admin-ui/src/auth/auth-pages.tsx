import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useSearchParams } from 'react-router';
import type { AuthStateDto, SessionDto } from '@baton/protocol';
import { api } from '../api/client';
import { errorText } from '../common/error-text';
import { useT } from '../i18n/i18n';
import { LanguageSwitch } from '../layout/language-switch';
import { AUTH_QUERY_KEY, useAuth } from './auth-context';

function AuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="auth-page">
      <Card className="auth-card" title={<Typography.Title level={3} style={{ margin: 0 }}>{title}</Typography.Title>} extra={<LanguageSwitch />}>
        {children}
      </Card>
    </main>
  );
}

/** Where to go once signed in: the page that sent us to sign in, else the dashboard. */
function useReturnTo(): string {
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  return from && from !== '/login' && !from.startsWith('/setup') ? from : '/';
}

/**
 * Signing in only records the session; the pages' own `<Navigate>` (shown once a user is
 * known) then goes to the page that sent us here, so there is one navigation, not two racing.
 */
function useSignedIn() {
  const client = useQueryClient();
  return (session: SessionDto) => client.setQueryData<AuthStateDto>(AUTH_QUERY_KEY, { setupRequired: false, user: session.user });
}

export function LoginPage() {
  const t = useT();
  const auth = useAuth();
  const signedIn = useSignedIn();
  const returnTo = useReturnTo();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (auth.state?.setupRequired) return <Navigate to="/setup" replace />;
  if (auth.user) return <Navigate to={returnTo} replace />;
  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.auth.login(values));
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title={t('auth.loginTitle')}>
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={t('auth.email')} name="email" rules={[{ required: true, message: t('form.required') }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t('auth.password')} name="password" rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('auth.signIn')}
        </Button>
      </Form>
    </AuthCard>
  );
}

export function SetupPage() {
  const t = useT();
  const auth = useAuth();
  const [params] = useSearchParams();
  const signedIn = useSignedIn();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (auth.loaded && !auth.state?.setupRequired) return <Navigate to={auth.user ? '/' : '/login'} replace />;
  const submit = async (values: { token: string; email: string; password: string; displayName?: string }) => {
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.auth.setup({ ...values, displayName: values.displayName || undefined }));
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title={t('auth.setupTitle')}>
      <Typography.Paragraph type="secondary">{t('auth.setupIntro')}</Typography.Paragraph>
      <Form layout="vertical" onFinish={submit} requiredMark={false} initialValues={{ token: params.get('token') ?? '' }}>
        <Form.Item label={t('auth.setupToken')} name="token" rules={[{ required: true, message: t('form.required') }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('auth.email')} name="email" rules={[{ required: true, message: t('form.required') }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t('auth.displayName')} name="displayName">
          <Input />
        </Form.Item>
        <Form.Item label={t('auth.password')} name="password" rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('auth.createAdmin')}
        </Button>
      </Form>
    </AuthCard>
  );
}
