import { useState } from 'react';
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client';
import { isApiError } from '../api/api-error';
import { useNotify } from '../common/use-notify';
import { AUTH_QUERY_KEY, useAuth } from '../auth/auth-context';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { ChangePasswordDialog } from './change-password-dialog';
import { LanguageSwitch } from './language-switch';

interface NavItem {
  path: string;
  label: MessageKey;
  admin?: boolean;
}

const NAV: NavItem[] = [
  { path: '/', label: 'nav.dashboard' },
  { path: '/jobs', label: 'nav.jobs' },
  { path: '/runs', label: 'nav.runs' },
  { path: '/executors', label: 'nav.executors' },
  { path: '/cluster', label: 'nav.cluster' },
  { path: '/alerts', label: 'nav.alerts' },
  { path: '/users', label: 'nav.users', admin: true },
  { path: '/api-keys', label: 'nav.apiKeys' },
  { path: '/audit', label: 'nav.audit', admin: true },
];

function selectedKey(pathname: string): string {
  const match = NAV.filter((n) => n.path !== '/' && (pathname === n.path || pathname.startsWith(`${n.path}/`)));
  return match[0]?.path ?? '/';
}

/** The frame of every signed-in page: navigation (a drawer-like collapsed sider when narrow), language, user. */
export function AppLayout() {
  const t = useT();
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const notify = useNotify();
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const screens = Grid.useBreakpoint();
  // Narrow windows get the navigation in a drawer, opened from the header.
  const narrow = screens.lg === false;

  if (!auth.loaded) return null;
  if (auth.state?.setupRequired) return <Navigate to="/setup" replace />;
  if (!auth.user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;

  const logout = async () => {
    try {
      await api.auth.logout();
    } catch (e) {
      // Already signed out (401) is fine; anything else leaves the session open, so say so.
      if (!isApiError(e, 'UNAUTHENTICATED')) return notify.error(e);
    }
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== AUTH_QUERY_KEY[0] });
    client.setQueryData(AUTH_QUERY_KEY, { setupRequired: false, user: null });
    navigate('/login', { replace: true });
  };
  const items = NAV.filter((n) => !n.admin || auth.can('admin')).map((n) => ({ key: n.path, label: <Link to={n.path}>{t(n.label)}</Link> }));

  const menu = (
    <nav aria-label={t('nav.main')}>
      <Menu mode="inline" selectedKeys={[selectedKey(location.pathname)]} items={items} onClick={() => setDrawerOpen(false)} />
    </nav>
  );

  return (
    <Layout className="app-layout">
      <a className="skip-link" href="#main">
        {t('nav.skipToContent')}
      </a>
      {narrow ? (
        <Drawer placement="left" open={drawerOpen} onClose={() => setDrawerOpen(false)} size={240} title="Baton" styles={{ body: { padding: 0 } }}>
          {menu}
        </Drawer>
      ) : (
        <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} collapsedWidth={64} theme="light" width={200} className="app-sider">
          <div className="app-logo">{collapsed ? 'B' : 'Baton'}</div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header className="app-header">
          {narrow ? (
            <Button type="text" onClick={() => setDrawerOpen(true)} aria-label={t('nav.open')} data-testid="open-nav">
              ☰ Baton
            </Button>
          ) : (
            <span />
          )}
          <Space size="middle" wrap>
            <LanguageSwitch />
            {auth.user && (
              <Dropdown
                trigger={['click']}
                menu={{
                  items: [
                    { key: 'role', label: t(`role.${auth.user.role}`), disabled: true },
                    { key: 'password', label: t('auth.changePassword'), onClick: () => setChangingPassword(true) },
                    { key: 'logout', label: t('auth.signOut'), onClick: () => void logout() },
                  ],
                }}
              >
                <Button type="text" data-testid="user-menu">
                  <Typography.Text>{auth.user.displayName || auth.user.email}</Typography.Text>
                </Button>
              </Dropdown>
            )}
          </Space>
        </Layout.Header>
        <Layout.Content className="app-content" id="main" tabIndex={-1}>
          <Outlet />
        </Layout.Content>
        <ChangePasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />
      </Layout>
    </Layout>
  );
}
