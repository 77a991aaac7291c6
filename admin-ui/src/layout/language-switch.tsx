import { Select } from 'antd';
import { LANGUAGES, useI18n, type Language } from '../i18n/i18n';

const NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <Select<Language>
      aria-label={t('nav.language')}
      data-testid="language-switch"
      value={language}
      onChange={setLanguage}
      options={LANGUAGES.map((l) => ({ value: l, label: NAMES[l] }))}
      style={{ width: 120 }}
      size="small"
    />
  );
}
