import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { useT } from '../i18n/i18n';

export function NotFoundPage() {
  const t = useT();
  const navigate = useNavigate();
  return <Result status="404" title={t('common.notFound')} extra={<Button onClick={() => navigate('/')}>{t('nav.dashboard')}</Button>} />;
}
