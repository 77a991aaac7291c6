import { ApiError } from '../api/api-error';
import type { Translate } from '../i18n/i18n';

/**
 * A readable message for any error the console meets. The server's messages already say what
 * to fix (in English); the console adds a translated headline for the codes people act on.
 */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK_ERROR') return t('error.network');
    if (error.code === 'FORBIDDEN') return `${t('error.forbidden')} ${error.message}`;
    if (error.code === 'UNAUTHENTICATED') return t('error.unauthenticated');
    if (error.code === 'INTERNAL_ERROR') return t('error.internal', { requestId: error.requestId ?? '-' });
    const fields = error.fieldProblems.map((p) => `${p.field}: ${p.message}`);
    return fields.length > 0 && !fields.every((f) => error.message.includes(f)) ? `${error.message} (${fields.join('; ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
