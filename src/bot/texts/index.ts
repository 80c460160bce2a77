import { en } from './en.js';
import { ru } from './ru.js';
import type { Lang, Texts } from './types.js';

export type { Lang, Texts } from './types.js';

/** Every user-facing text, per language. Russian is the default; English for `language_code` "en…". */
export const texts: Record<Lang, Texts> = { ru, en };

export function langOf(languageCode: string | null | undefined): Lang {
  return languageCode?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}
