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
  help:
    'ℹ️ Как это работает\n\n' +
    '1. «➕ Создать аватар»: выберите тип (👤 портретный — человек, 🎨 художественный — стиль) и имя.\n' +
    '2. Загрузите от 10 до 20 фото: хорошо освещённых, разных ракурсов, без других людей в кадре.\n' +
    '3. Запустите обучение: оно занимает несколько минут, я пришлю сообщение, когда аватар будет готов.\n' +
    '4. «🎨 Генерация»: опишите картинку словами — я нарисую её с вашим аватаром.\n\n' +
    '«🎭 Мои аватары» — все ваши аватары: фото, история генераций, удаление.',
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
  help:
    'ℹ️ How it works\n\n' +
    '1. “➕ Create avatar”: choose the type (👤 portrait — a person, 🎨 artistic — a style) and a name.\n' +
    '2. Upload 10 to 20 photos: well lit, from different angles, with nobody else in the frame.\n' +
    '3. Start the training: it takes a few minutes, and I will message you when the avatar is ready.\n' +
    '4. “🎨 Generate”: describe a picture in words and I will draw it with your avatar.\n\n' +
    '“🎭 My avatars” lists all your avatars: photos, generation history, deletion.',
  chooseFromMenu: 'Choose an action in the menu 👇',
  somethingWentWrong: '⚠️ Something went wrong. Please try again a little later.',
};

export const texts: Record<Lang, Texts> = { ru, en };
