import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { zh } from './zh';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zh };
/** localStorage key: the language is remembered per browser. */
export const LANGUAGE_STORAGE_KEY = 'baton.language';

/** `{name}` placeholders are replaced by vars; a missing var stays visible rather than vanishing. */
export function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export function translator(language: Language): Translate {
  const dict = DICTIONARIES[language];
  return (key, vars) => format(dict[key] ?? en[key] ?? key, vars);
}

export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  } catch {
    // storage may be disabled; fall back to the browser's language
  }
  return typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

interface I18nValue {
  language: Language;
  setLanguage: (l: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18nValue>({ language: 'en', setLanguage: () => undefined, t: translator('en') });

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setState] = useState<Language>(() => fixed ?? initialLanguage());
  const setLanguage = useCallback((l: Language) => {
    setState(l);
    try {
      localStorage.setItem(LANGUAGE_STORAGE_KEY, l);
    } catch {
      // not remembered, still switched
    }
    document.documentElement.lang = l;
  }, []);
  const value = useMemo(() => ({ language, setLanguage, t: translator(language) }), [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = () => useContext(I18nContext);
export const useT = () => useContext(I18nContext).t;
