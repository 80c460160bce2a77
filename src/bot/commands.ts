import type { Lang } from './texts/index.js';

/** The bot's command list shown by Telegram clients, per language. */
export const botCommands: Record<Lang, { command: string; description: string }[]> = {
  ru: [
    { command: 'start', description: 'Главное меню' },
    { command: 'help', description: 'Как это работает' },
    { command: 'balance', description: 'Баланс звёзд' },
    { command: 'paysupport', description: 'Поддержка по оплате' },
    { command: 'terms', description: 'Условия' },
  ],
  en: [
    { command: 'start', description: 'Main menu' },
    { command: 'help', description: 'How it works' },
    { command: 'balance', description: 'Stars balance' },
    { command: 'paysupport', description: 'Payment support' },
    { command: 'terms', description: 'Terms' },
  ],
};
