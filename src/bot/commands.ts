import type { Lang } from './texts/index.js';

/** The bot's command list shown by Telegram clients, per language. */
export const botCommands: Record<Lang, { command: string; description: string }[]> = {
  ru: [
    { command: 'start', description: 'Главное меню' },
    { command: 'help', description: 'Как это работает' },
  ],
  en: [
    { command: 'start', description: 'Main menu' },
    { command: 'help', description: 'How it works' },
  ],
};
