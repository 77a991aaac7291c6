import { App } from 'antd';
import { errorText } from './error-text';
import { useT } from '../i18n/i18n';

/** Toasts for mutations: success in words, failure as the server's readable message. */
export function useNotify() {
  const { message } = App.useApp();
  const t = useT();
  return {
    ok: (text: string) => void message.success(text),
    error: (e: unknown) => void message.error({ content: errorText(e, t), duration: 6 }),
  };
}
