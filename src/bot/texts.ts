/** Every user-facing text, per language. Russian is the default; English for `language_code` "en". */

export type Lang = 'ru' | 'en';

export function langOf(languageCode: string | null | undefined): Lang {
  return languageCode?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

const ru = {
  menu: {
    createAvatar: '➕ Создать аватар',
    myAvatars: '🎭 Мои аватары',
    generate: '🎨 Генерация',
    help: 'ℹ️ Помощь',
  },
  greeting: (name: string) =>
    `👋 Привет, ${name}!\n\n` +
    'Я создаю персональные AI-аватары. Загрузите 10–20 своих фото (или фото в нужном стиле), ' +
    'я обучу на них модель — и буду рисовать вас в любом образе по текстовому описанию.\n\n' +
    'Выберите действие в меню 👇',
  chooseFromMenu: 'Выберите действие в меню 👇',
  somethingWentWrong: '⚠️ Что-то пошло не так. Попробуйте ещё раз чуть позже.',
};

type Texts = typeof ru;

const en: Texts = {
  menu: {
    createAvatar: '➕ Create avatar',
    myAvatars: '🎭 My avatars',
    generate: '🎨 Generate',
    help: 'ℹ️ Help',
  },
  greeting: (name: string) =>
    `👋 Hi, ${name}!\n\n` +
    'I make personal AI avatars. Upload 10–20 photos of yourself (or of a style you like), ' +
    'I will train a model on them — and then draw you in any setting from a text prompt.\n\n' +
    'Choose an action in the menu 👇',
  chooseFromMenu: 'Choose an action in the menu 👇',
  somethingWentWrong: '⚠️ Something went wrong. Please try again a little later.',
};

export const texts: Record<Lang, Texts> = { ru, en };
