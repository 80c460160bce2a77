/** Every user-facing text, per language. Russian is the default; English for `language_code` "en". */

import type { TrainingPresetName } from '../config.js';
import type { PhotoRefusal } from '../domain/image-check.js';

export type Lang = 'ru' | 'en';

export function langOf(languageCode: string | null | undefined): Lang {
  return languageCode?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

export type ProgressView = { uploaded: number; min: number; max: number };

export type ReviewView = {
  name: string;
  type: 'portrait' | 'style';
  gender: 'male' | 'female' | null;
  photos: number;
  preset: TrainingPresetName;
  steps: number;
  minutes: [number, number];
};

const size = (bytes: number, mb: string, kb: string) =>
  bytes >= 1024 * 1024 ? `${Math.floor(bytes / 1024 / 1024)} ${mb}` : `${Math.floor(bytes / 1024)} ${kb}`;

const bar = (ratio: number) => {
  const filled = Math.round(Math.min(1, ratio) * 10);
  return '█'.repeat(filled) + '░'.repeat(10 - filled);
};

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
  staleButton: 'Эта кнопка устарела',
  notYourAvatar: '⛔ Это не ваш аватар',
  avatarGone: 'Этот аватар уже удалён',

  unfinished: (name: string, photos: number) =>
    `📝 У вас есть незавершённый аватар «${name}» (фото: ${photos}).\nПродолжить его или создать новый?`,
  resume: (name: string) => `🔄 Продолжить «${name}»`,
  newAvatar: '🆕 Создать новый',

  chooseType:
    '🎭 Какой аватар создаём?\n\n' +
    '👤 Портретный — вы или другой человек: модель учится узнавать лицо.\n' +
    '🎨 Художественный — стиль: модель учится манере, цветам и настроению картинок.',
  typePortrait: '👤 Портретный',
  typeStyle: '🎨 Художественный',
  chooseGender: '👤 Кто на фото?\n\nЭто поможет точнее описывать вас в запросах.',
  genderMale: '👨 Мужской',
  genderFemale: '👩 Женский',
  askName: '✏️ Как назовём аватар?\n\nОт 2 до 50 символов, например: «Я в отпуске».',
  nameTooShort: '❌ Имя слишком короткое. Минимум 2 символа',
  nameTooLong: '❌ Имя слишком длинное. Максимум 50 символов',
  nameNoLetters: '❌ Имя должно содержать буквы или цифры, не только эмодзи и пробелы',
  nameIsText: '✏️ Пришлите имя аватара текстом',

  uploadIntro: (name: string, min: number, max: number) =>
    `📸 Аватар «${name}»: загрузите от ${min} до ${max} фото.\n\n` +
    '• хорошее освещение, лицо видно чётко;\n' +
    '• разные ракурсы, выражения и фон;\n' +
    '• без других людей, очков от солнца и сильных фильтров.\n\n' +
    'Отправляйте как фото или файлами (JPEG, PNG, WebP), можно альбомом.',
  progress: (v: ProgressView) =>
    `📊 ${bar(v.uploaded / v.max)} ${Math.round((v.uploaded / v.max) * 100)}%\n` +
    `📸 Загружено: ${v.uploaded}/${v.max}\n` +
    `📋 Минимум: ${v.min}` +
    (v.uploaded >= v.min ? '\n\n✅ Можно начинать обучение!' : ''),
  photosButton: (n: number) => `📸 Загруженные фото (${n})`,
  readyButton: '✅ Готово к обучению',
  cancelCreation: '🗑️ Отменить создание',
  creationCancelled: (name: string) => `🗑️ Создание аватара «${name}» отменено, фото удалены.`,
  photoRefused: (r: PhotoRefusal) => `❌ Фото не принято: ${ruRefusal(r)}`,
  sendPhotoHint: '📸 Сейчас я жду фото: отправьте его как фото или файлом (JPEG, PNG, WebP).',
  notEnoughPhotos: (min: number) => `Нужно минимум ${min} фото`,
  photoCaption: (i: number, n: number) => `📸 Фото ${i}/${n}`,
  deletePhoto: '🗑 Удалить фото',
  backToUpload: '◀️ К загрузке',
  photoDeleted: 'Фото удалено',
  noPhotos: 'Фото пока нет',

  review: (v: ReviewView) =>
    '🦋 Проверьте данные аватара\n\n' +
    `🎭 Имя: ${v.name}\n` +
    `${v.type === 'portrait' ? '👤 Тип: Портретный' : '🎨 Тип: Художественный'}\n` +
    (v.gender ? `${v.gender === 'male' ? '👨 Пол: Мужской' : '👩 Пол: Женский'}\n` : '') +
    `📸 Фото: ${v.photos}\n` +
    `⚙️ Режим: ${ruPreset[v.preset]} (${v.steps} шагов)\n` +
    `⏱ Ожидаемое время: ${v.minutes[0]}–${v.minutes[1]} мин\n\n` +
    'После запуска данные изменить нельзя.',
  startTraining: '🚀 Начать обучение',
  backToPhotos: '◀️ К загрузке фото',
  preparing: (name: string) => `⏳ Готовлю фото аватара «${name}» к обучению…`,
  alreadyStarted: 'Обучение уже запущено',
  trainingStarted: (name: string, minutes: [number, number]) =>
    `⏳ Обучение началось!\n\n🎭 Аватар «${name}» будет готов примерно через ${minutes[0]}–${minutes[1]} мин. ` +
    'Я пришлю сообщение, как только он будет готов — можно закрыть чат.',
  submitFailed: (name: string, temporary: boolean) =>
    `❌ Не удалось запустить обучение аватара «${name}»: ` +
    (temporary ? 'сервис обучения временно недоступен.' : 'сервис обучения отклонил запрос.') +
    '\n\nФото сохранены — попробуйте ещё раз.',
  retry: '🔁 Повторить',

  trainingReady: (name: string) =>
    `✅ Аватар «${name}» готов!\n\nОпишите картинку словами — я нарисую её с вашим аватаром. ` + 'Триггерное слово добавлю сам.',
  trainingFailed: (name: string, code: TrainingFailure) =>
    `❌ Не удалось обучить аватар «${name}»: ${ruFailure[code]}.\n\nФото сохранены — можно запустить обучение ещё раз.`,
  generateButton: '🎨 Генерировать',
  retryTraining: '🔁 Повторить обучение',

  gallery: {
    empty: '🎭 У вас пока нет аватаров.\n\nСоздайте первый: загрузите 10–20 фото — и я научусь рисовать вас.',
    create: '🆕 Создать аватар',
    card: (c: CardView) =>
      `🎭 ${c.name}${c.isMain ? ' ⭐' : ''}\n\n` +
      `${c.type === 'portrait' ? '👤 Тип: Портретный' : '🎨 Тип: Художественный'}\n` +
      `📊 Статус: ${ruStatus[c.status]}\n` +
      `📅 Создан: ${c.createdAt.toLocaleDateString('ru-RU', { timeZone: 'UTC' })}\n` +
      `📸 Фото: ${c.photos}\n` +
      `🎨 Генераций: ${c.generations}` +
      (c.isMain ? '\n\n⭐ Основной аватар' : ''),
    generate: '🎨 Генерировать',
    makeMain: '⭐ Сделать основным',
    resume: '🔄 Продолжить',
    photos: '🖼 Фото',
    history: '📜 История',
    rename: '✏️ Переименовать',
    stopTraining: '⏹ Отменить обучение',
    delete: '🗑️ Удалить',
    back: '◀️ Назад',
    mainSet: (name: string) => `⭐ «${name}» теперь основной аватар`,
    askRename: (name: string) => `✏️ Новое имя для аватара «${name}» (от 2 до 50 символов):`,
    renamed: (name: string) => `✅ Аватар переименован в «${name}»`,
    historyEmpty: (name: string) => `📜 История «${name}»\n\nГенераций пока нет.`,
    historyTitle: (name: string) => `📜 История «${name}»`,
    stopConfirm: (name: string) =>
      `⏹ Отменить обучение аватара «${name}»?\n\nОбучение будет остановлено на сервере, результат не сохранится. Фото останутся — обучение можно запустить заново.`,
    stopYes: '⏹ Да, отменить',
    stopNo: '◀️ Нет, продолжить',
    stopped: (name: string) => `⏹ Обучение аватара «${name}» отменено.`,
    stopFailed: 'Не удалось связаться с сервисом обучения. Попробуйте ещё раз чуть позже.',
    stopTooLate: 'Обучение уже завершается — дождитесь результата.',
    noPreviewPhotos: 'У этого аватара нет фото',
  },
  deleteConfirm: (name: string, status: AvatarStatus) =>
    '🗑️ Подтверждение удаления\n\n' +
    '❓ Вы действительно хотите удалить аватар?\n\n' +
    `🎭 Название: ${name}\n` +
    `📊 Статус: ${ruStatus[status]}\n\n` +
    '⚠️ Внимание! Это действие нельзя отменить.\n' +
    'Все данные аватара будут удалены навсегда:\n' +
    '• Обученная модель\n' +
    '• Загруженные фотографии\n' +
    '• История генераций\n\n' +
    '🤔 Подумайте ещё раз перед удалением.',
  deleteYes: '❌ Да, удалить',
  deleteNo: '✅ Отмена',
  deleted: (name: string) => `🗑️ Аватар «${name}» удалён`,

  gen: {
    chooseFormat: (name: string) => `🖼 Выберите формат картинки с аватаром «${name}»:`,
    formats: { portrait: '📱 Портрет (3:4)', square: '🔲 Квадрат (1:1)', story: '📺 Сторис (9:16)', cinema: '🎬 Кино (16:9)' },
    askPrompt: (name: string) =>
      `✍️ Опишите, что нарисовать с аватаром «${name}» (до 1000 символов).\n\n` +
      'Например: «в костюме астронавта на Марсе, кинематографичный свет».',
    promptInvalid: '❌ Запрос должен быть текстом от 1 до 1000 символов',
    busy: '⏳ Дождитесь окончания текущей генерации — я пришлю картинку, как только она будет готова.',
    started: '🎨 Генерирую… Обычно это занимает до минуты.',
    noMain: '🎨 Для генерации нужен готовый аватар. Создайте его через «➕ Создать аватар» или выберите готовый в «🎭 Мои аватары».',
    notTrained: (name: string) => `⏳ Аватар «${name}» ещё не готов: сначала он должен обучиться.`,
    noModel: (name: string) => `❌ У аватара «${name}» нет обученной модели. Запустите обучение ещё раз.`,
    done: (name: string) => `🎨 Готово! Аватар «${name}»`,
    again: '🔁 Ещё',
    prompt: '📝 Промпт',
    promptShown: (prompt: string) => `📝 Промпт, отправленный модели:\n\n${prompt}`,
    failed: (code: GenerationFailureCode) =>
      code === 'nsfw'
        ? '🔞 Картинка не прошла проверку безопасности. Попробуйте изменить запрос.'
        : `❌ Не удалось сгенерировать картинку: ${ruGenFailure[code]}. Попробуйте ещё раз.`,
  },
};

type Texts = typeof ru;

export type AvatarStatus = 'draft' | 'photos_uploading' | 'ready' | 'submitting' | 'training' | 'completed' | 'failed' | 'cancelled';

export type CardView = {
  name: string;
  type: 'portrait' | 'style';
  status: AvatarStatus;
  isMain: boolean;
  createdAt: Date;
  photos: number;
  generations: number;
};

const ruStatus: Record<AvatarStatus, string> = {
  draft: '📝 Черновик',
  photos_uploading: '📸 Загрузка фото',
  ready: '🦋 Готов к обучению',
  submitting: '⏳ Запуск обучения',
  training: '⏳ Обучается',
  completed: '✅ Готов',
  failed: '❌ Ошибка обучения',
  cancelled: '⏹ Обучение отменено',
};

const enStatus: Record<AvatarStatus, string> = {
  draft: '📝 Draft',
  photos_uploading: '📸 Uploading photos',
  ready: '🦋 Ready to train',
  submitting: '⏳ Starting training',
  training: '⏳ Training',
  completed: '✅ Ready',
  failed: '❌ Training failed',
  cancelled: '⏹ Training cancelled',
};

export type GenerationFailureCode = 'provider_error' | 'invalid_result' | 'nsfw' | 'timed_out';

const ruGenFailure: Record<GenerationFailureCode, string> = {
  provider_error: 'сервис генерации сообщил об ошибке',
  invalid_result: 'сервис генерации вернул неожиданный результат',
  nsfw: 'картинка не прошла проверку безопасности',
  timed_out: 'генерация заняла слишком много времени',
};

const enGenFailure: Record<GenerationFailureCode, string> = {
  provider_error: 'the drawing service reported an error',
  invalid_result: 'the drawing service returned an unexpected result',
  nsfw: 'the picture did not pass the safety check',
  timed_out: 'drawing took too long',
};

export type TrainingFailure = 'provider_error' | 'invalid_result' | 'timed_out' | 'cancelled' | 'submit_interrupted';

const ruFailure: Record<TrainingFailure, string> = {
  provider_error: 'сервис обучения сообщил об ошибке',
  invalid_result: 'сервис обучения вернул неожиданный результат',
  timed_out: 'обучение заняло слишком много времени',
  cancelled: 'обучение было отменено',
  submit_interrupted: 'запуск обучения прервался',
};

const enFailure: Record<TrainingFailure, string> = {
  provider_error: 'the training service reported an error',
  invalid_result: 'the training service returned an unexpected result',
  timed_out: 'the training took too long',
  cancelled: 'the training was cancelled',
  submit_interrupted: 'starting the training was interrupted',
};

const ruPreset: Record<TrainingPresetName, string> = { fast: 'Быстрый', balanced: 'Сбалансированный', quality: 'Качественный' };

function ruRefusal(r: PhotoRefusal): string {
  switch (r.kind) {
    case 'not_image':
      return 'это не изображение';
    case 'unsupported_format':
      return `формат ${r.format.toUpperCase()} не поддерживается, нужен JPEG, PNG или WebP`;
    case 'too_large':
      return `файл больше ${size(r.maxBytes, 'МБ', 'КБ')}`;
    case 'too_small':
      return `слишком маленькое (${r.side} px по короткой стороне, нужно от ${r.minSide} px)`;
    case 'duplicate':
      return 'такое фото уже загружено';
    case 'over_limit':
      return `уже загружено максимум ${r.max} фото`;
    case 'download_failed':
      return 'не удалось скачать файл из Telegram, отправьте его ещё раз';
  }
}

const enPreset: Record<TrainingPresetName, string> = { fast: 'Fast', balanced: 'Balanced', quality: 'Quality' };

function enRefusal(r: PhotoRefusal): string {
  switch (r.kind) {
    case 'not_image':
      return 'this is not an image';
    case 'unsupported_format':
      return `${r.format.toUpperCase()} is not supported, send JPEG, PNG or WebP`;
    case 'too_large':
      return `the file is larger than ${size(r.maxBytes, 'MB', 'KB')}`;
    case 'too_small':
      return `too small (${r.side} px on the short side, at least ${r.minSide} px needed)`;
    case 'duplicate':
      return 'this photo is already uploaded';
    case 'over_limit':
      return `the maximum of ${r.max} photos is already uploaded`;
    case 'download_failed':
      return 'could not download it from Telegram, please send it again';
  }
}

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
  staleButton: 'This button is out of date',
  notYourAvatar: '⛔ This is not your avatar',
  avatarGone: 'This avatar has been deleted',

  unfinished: (name: string, photos: number) =>
    `📝 You have an unfinished avatar “${name}” (photos: ${photos}).\nContinue it or create a new one?`,
  resume: (name: string) => `🔄 Continue “${name}”`,
  newAvatar: '🆕 Create a new one',

  chooseType:
    '🎭 What kind of avatar?\n\n' +
    '👤 Portrait — you or another person: the model learns to recognise the face.\n' +
    '🎨 Artistic — a style: the model learns the manner, colours and mood of the pictures.',
  typePortrait: '👤 Portrait',
  typeStyle: '🎨 Artistic',
  chooseGender: '👤 Who is in the photos?\n\nThis helps to describe you precisely in prompts.',
  genderMale: '👨 Male',
  genderFemale: '👩 Female',
  askName: '✏️ What shall we call the avatar?\n\n2 to 50 characters, for example “Me on holiday”.',
  nameTooShort: '❌ The name is too short. At least 2 characters',
  nameTooLong: '❌ The name is too long. At most 50 characters',
  nameNoLetters: '❌ The name needs letters or digits, not only emoji and spaces',
  nameIsText: '✏️ Please send the avatar’s name as text',

  uploadIntro: (name: string, min: number, max: number) =>
    `📸 Avatar “${name}”: upload ${min} to ${max} photos.\n\n` +
    '• good light, the face clearly visible;\n' +
    '• different angles, expressions and backgrounds;\n' +
    '• no other people, sunglasses or heavy filters.\n\n' +
    'Send them as photos or as files (JPEG, PNG, WebP); albums are fine.',
  progress: (v: ProgressView) =>
    `📊 ${bar(v.uploaded / v.max)} ${Math.round((v.uploaded / v.max) * 100)}%\n` +
    `📸 Uploaded: ${v.uploaded}/${v.max}\n` +
    `📋 Minimum: ${v.min}` +
    (v.uploaded >= v.min ? '\n\n✅ Ready to train!' : ''),
  photosButton: (n: number) => `📸 Uploaded photos (${n})`,
  readyButton: '✅ Ready to train',
  cancelCreation: '🗑️ Cancel creation',
  creationCancelled: (name: string) => `🗑️ Creation of “${name}” cancelled, its photos are deleted.`,
  photoRefused: (r: PhotoRefusal) => `❌ Photo not accepted: ${enRefusal(r)}`,
  sendPhotoHint: '📸 I am waiting for photos: send one as a photo or as a file (JPEG, PNG, WebP).',
  notEnoughPhotos: (min: number) => `At least ${min} photos are needed`,
  photoCaption: (i: number, n: number) => `📸 Photo ${i}/${n}`,
  deletePhoto: '🗑 Delete photo',
  backToUpload: '◀️ Back to upload',
  photoDeleted: 'Photo deleted',
  noPhotos: 'No photos yet',

  review: (v: ReviewView) =>
    '🦋 Check the avatar\n\n' +
    `🎭 Name: ${v.name}\n` +
    `${v.type === 'portrait' ? '👤 Type: Portrait' : '🎨 Type: Artistic'}\n` +
    (v.gender ? `${v.gender === 'male' ? '👨 Gender: Male' : '👩 Gender: Female'}\n` : '') +
    `📸 Photos: ${v.photos}\n` +
    `⚙️ Mode: ${enPreset[v.preset]} (${v.steps} steps)\n` +
    `⏱ Expected time: ${v.minutes[0]}–${v.minutes[1]} min\n\n` +
    'Once started, it cannot be changed.',
  startTraining: '🚀 Start training',
  backToPhotos: '◀️ Back to photos',
  preparing: (name: string) => `⏳ Preparing the photos of “${name}” for training…`,
  alreadyStarted: 'Training has already started',
  trainingStarted: (name: string, minutes: [number, number]) =>
    `⏳ Training has started!\n\n🎭 “${name}” will be ready in about ${minutes[0]}–${minutes[1]} min. ` +
    'I will message you as soon as it is — you can close the chat.',
  submitFailed: (name: string, temporary: boolean) =>
    `❌ Could not start training “${name}”: ` +
    (temporary ? 'the training service is temporarily unavailable.' : 'the training service refused the request.') +
    '\n\nYour photos are kept — please try again.',
  retry: '🔁 Retry',

  trainingReady: (name: string) =>
    `✅ Avatar “${name}” is ready!\n\nDescribe a picture in words and I will draw it with your avatar. ` + 'I add the trigger word myself.',
  trainingFailed: (name: string, code: TrainingFailure) =>
    `❌ Could not train “${name}”: ${enFailure[code]}.\n\nYour photos are kept — you can start the training again.`,
  generateButton: '🎨 Generate',
  retryTraining: '🔁 Retry training',

  gallery: {
    empty: '🎭 You have no avatars yet.\n\nCreate the first one: upload 10–20 photos and I will learn to draw you.',
    create: '🆕 Create avatar',
    card: (c: CardView) =>
      `🎭 ${c.name}${c.isMain ? ' ⭐' : ''}\n\n` +
      `${c.type === 'portrait' ? '👤 Type: Portrait' : '🎨 Type: Artistic'}\n` +
      `📊 Status: ${enStatus[c.status]}\n` +
      `📅 Created: ${c.createdAt.toLocaleDateString('en-GB', { timeZone: 'UTC' })}\n` +
      `📸 Photos: ${c.photos}\n` +
      `🎨 Generations: ${c.generations}` +
      (c.isMain ? '\n\n⭐ Main avatar' : ''),
    generate: '🎨 Generate',
    makeMain: '⭐ Make main',
    resume: '🔄 Continue',
    photos: '🖼 Photos',
    history: '📜 History',
    rename: '✏️ Rename',
    stopTraining: '⏹ Cancel training',
    delete: '🗑️ Delete',
    back: '◀️ Back',
    mainSet: (name: string) => `⭐ “${name}” is now your main avatar`,
    askRename: (name: string) => `✏️ A new name for “${name}” (2 to 50 characters):`,
    renamed: (name: string) => `✅ Avatar renamed to “${name}”`,
    historyEmpty: (name: string) => `📜 History of “${name}”\n\nNo generations yet.`,
    historyTitle: (name: string) => `📜 History of “${name}”`,
    stopConfirm: (name: string) =>
      `⏹ Cancel the training of “${name}”?\n\nThe training is stopped on the server and its result is lost. The photos stay — you can train again.`,
    stopYes: '⏹ Yes, cancel',
    stopNo: '◀️ No, keep training',
    stopped: (name: string) => `⏹ Training of “${name}” cancelled.`,
    stopFailed: 'Could not reach the training service. Please try again a little later.',
    stopTooLate: 'The training is finishing already — wait for the result.',
    noPreviewPhotos: 'This avatar has no photos',
  },
  deleteConfirm: (name: string, status: AvatarStatus) =>
    '🗑️ Confirm deletion\n\n' +
    '❓ Do you really want to delete this avatar?\n\n' +
    `🎭 Name: ${name}\n` +
    `📊 Status: ${enStatus[status]}\n\n` +
    '⚠️ Warning! This cannot be undone.\n' +
    'All of the avatar’s data is deleted forever:\n' +
    '• The trained model\n' +
    '• The uploaded photos\n' +
    '• The generation history\n\n' +
    '🤔 Think twice before deleting.',
  deleteYes: '❌ Yes, delete',
  deleteNo: '✅ Cancel',
  deleted: (name: string) => `🗑️ Avatar “${name}” deleted`,

  gen: {
    chooseFormat: (name: string) => `🖼 Choose the picture format for “${name}”:`,
    formats: { portrait: '📱 Portrait (3:4)', square: '🔲 Square (1:1)', story: '📺 Story (9:16)', cinema: '🎬 Cinema (16:9)' },
    askPrompt: (name: string) =>
      `✍️ Describe what to draw with “${name}” (up to 1000 characters).\n\n` +
      'For example: “in an astronaut suit on Mars, cinematic light”.',
    promptInvalid: '❌ The prompt must be text of 1 to 1000 characters',
    busy: '⏳ Please wait until the current picture is done — I will send it as soon as it is ready.',
    started: '🎨 Drawing… This usually takes up to a minute.',
    noMain: '🎨 Generating needs a trained avatar. Create one with “➕ Create avatar” or pick a ready one in “🎭 My avatars”.',
    notTrained: (name: string) => `⏳ “${name}” is not ready yet: it has to be trained first.`,
    noModel: (name: string) => `❌ “${name}” has no trained model. Please train it again.`,
    done: (name: string) => `🎨 Done! Avatar “${name}”`,
    again: '🔁 Again',
    prompt: '📝 Prompt',
    promptShown: (prompt: string) => `📝 The prompt sent to the model:\n\n${prompt}`,
    failed: (code: GenerationFailureCode) =>
      code === 'nsfw'
        ? '🔞 The picture did not pass the safety check. Try changing the prompt.'
        : `❌ Could not draw the picture: ${enGenFailure[code]}. Please try again.`,
  },
};

export const texts: Record<Lang, Texts> = { ru, en };
