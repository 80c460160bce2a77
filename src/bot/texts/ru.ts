import type { TrainingPresetName } from '../../config.js';
import type { AvatarStatus } from '../../domain/avatar-lifecycle.js';
import type { UploadRefusal } from '../../domain/avatar-photos.js';
import type { EntryKind } from '../../domain/billing/ledger.js';
import type { FaceSummary } from '../../domain/faces.js';
import type { GenerationFailure } from '../../domain/generation/result.js';
import type { TrainingFailureNotice } from '../../domain/notifications.js';
import { dateTimeFormat, progressLine, range, size, span, trainerProgress } from './format.js';
import type { Texts } from './types.js';

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

const ruGenFailure: Record<GenerationFailure, string> = {
  provider_error: 'сервис генерации сообщил об ошибке',
  invalid_result: 'сервис генерации вернул неожиданный результат',
  nsfw: 'картинка не прошла проверку безопасности',
  timed_out: 'генерация заняла слишком много времени',
};

const ruFailure: Record<TrainingFailureNotice, string> = {
  provider_error: 'сервис обучения сообщил об ошибке',
  invalid_result: 'сервис обучения вернул неожиданный результат',
  timed_out: 'обучение заняло слишком много времени',
  cancelled: 'обучение было отменено',
  submit_interrupted: 'запуск обучения прервался',
};

const ruKind: Record<EntryKind, string> = {
  free_credits: 'подарок',
  payment: 'пополнение',
  training: 'обучение',
  generation: 'генерация',
  shoot: 'фотосессия',
  refund: 'возврат',
  late_charge: 'обучение',
  payment_refund: 'возврат платежа',
};

const ruPrice = (stars: number) => (stars > 0 ? `${stars} ⭐` : 'бесплатно');
/** The word for `n` things: `one` (1, 21), `few` (2–4, 22–24), `many` (5–20, 11–14, …). */
const ruPlural = (n: number, one: string, few: string, many: string) => {
  const tens = n % 100;
  const ones = n % 10;
  if (tens >= 11 && tens <= 14) return many;
  return ones === 1 ? one : ones >= 2 && ones <= 4 ? few : many;
};
const ruPictures = (n: number) => ruPlural(n, 'снимок', 'снимка', 'снимков');
const ruTrainings = (n: number) => `${n} ${ruPlural(n, 'обучение', 'обучения', 'обучений')}`;

const ruReceipt = (r: { taken: number; left: number }) => `⭐ Списано ${r.taken} ⭐, на балансе ${r.left} ⭐.`;
const ruSpan = (seconds: [number, number]) => span(seconds, { s: 'с', min: 'мин' });

const ruDate = dateTimeFormat('ru-RU');

const ruPreset: Record<TrainingPresetName, string> = { fast: 'Быстрый', balanced: 'Сбалансированный', quality: 'Качественный' };

function ruRefusal(r: UploadRefusal): string {
  switch (r.kind) {
    case 'not_image':
      return 'это не изображение';
    case 'unsupported_format':
      return `формат ${r.format.toUpperCase()} не поддерживается, нужен JPEG, PNG или WebP`;
    case 'heic':
      return 'формат HEIC (iPhone) я не читаю. Отправьте снимок как фото, а не файлом, или в JPEG, PNG или WebP';
    case 'too_dark':
      return 'слишком тёмное. Нужен снимок при хорошем свете, где видно детали';
    case 'too_uniform':
      return 'на нём почти ничего нет (один цвет). Пришлите обычный снимок';
    case 'too_blurry':
      return 'слишком размытое. Нужен резкий снимок, не смазанный движением и в фокусе';
    case 'too_large':
      return `файл больше ${size(r.maxBytes, 'МБ', 'КБ')}`;
    case 'too_small':
      return `слишком маленькое (${r.side} px по короткой стороне, нужно от ${r.minSide} px)`;
    case 'too_many_pixels':
      return `слишком большое изображение (больше ${r.maxMegapixels} мегапикселей или ${r.maxSide} px по стороне)`;
    case 'duplicate':
      return 'такое фото уже загружено';
    case 'over_limit':
      return `уже загружено максимум ${r.max} фото`;
    case 'download_failed':
      return 'не удалось скачать файл из Telegram, отправьте его ещё раз';
    case 'no_face':
      return 'я не вижу на нём лица. Нужен снимок, где хорошо видно ваше лицо';
    case 'several_faces':
      return `на нём ${r.count} лица. Обрежьте фото так, чтобы на нём были только вы`;
    case 'face_too_small':
      return `лицо слишком мелкое (${r.percent}% кадра, нужно от ${r.minPercent}%). Подойдите ближе или обрежьте фото`;
    case 'face_cut_off':
      return 'лицо обрезано краем кадра. Нужен снимок, где лицо видно целиком';
  }
}

function ruFaces(f: NonNullable<FaceSummary>): string {
  const person = f.flagged > 0 ? `похоже на другого человека: ${f.flagged} ⚠️` : 'один человек ✅';
  return `${f.photos} фото · одно лицо на каждом · ${person}`;
}

const ruStep = (log: string | null) => {
  const step = trainerProgress(log, (done, total) => `шаг ${done} из ${total}`);
  return step ? `: ${step}` : '';
};

export const ru: Texts = {
  menu: {
    createAvatar: '➕ Создать аватар',
    myAvatars: '🎭 Мои аватары',
    generate: '🎨 Генерация',
    shoots: '📸 Фотосессии',
    help: 'ℹ️ Помощь',
  },
  greeting: (name, photos) =>
    `👋 Привет, ${name}!\n\n` +
    `Я создаю персональные AI-аватары. Загрузите ${range([photos.min, photos.max])} своих фото (или фото в нужном стиле), ` +
    'я обучу на них модель — и буду рисовать вас в любом образе по текстовому описанию.\n\n' +
    'Выберите действие в меню 👇',
  help: (v) =>
    'ℹ️ Как это работает\n\n' +
    '1. «➕ Создать аватар»: выберите тип (👤 портретный — человек, 🎨 художественный — стиль) и имя.\n' +
    `2. Загрузите от ${v.min} до ${v.max} фото: хорошо освещённых, разных ракурсов, без других людей в кадре.\n` +
    `3. Запустите обучение: оно займёт примерно ${ruSpan(v.time)}, я пришлю сообщение, когда аватар будет готов.\n` +
    '4. «🎨 Генерация»: опишите картинку словами — я нарисую её с вашим аватаром.\n\n' +
    '«🎭 Мои аватары» — все ваши аватары: фото, история генераций, удаление.',
  chooseFromMenu: 'Выберите действие в меню 👇',
  somethingWentWrong: '⚠️ Что-то пошло не так. Попробуйте ещё раз чуть позже.',
  staleButton: 'Эта кнопка устарела',
  notYourAvatar: '⛔ Это не ваш аватар',
  avatarGone: 'Этот аватар уже удалён',
  privateOnly: '🔒 Я работаю только в личном чате: аватары и фото — личное. Напишите мне в личные сообщения.',

  unfinished: (name, photos) => `📝 У вас есть незавершённый аватар «${name}» (фото: ${photos}).\nПродолжить его или создать новый?`,
  draftKept: (name, photos) =>
    `📝 Черновик «${name}» сохранён (фото: ${photos}). Продолжить можно в любой момент — кнопкой ниже или через «➕ Создать аватар».`,
  resume: (name) => `🔄 Продолжить «${name}»`,
  newAvatar: '➕ Создать новый',

  chooseType:
    '🎭 Какой аватар создаём?\n\n' +
    '👤 Портретный — вы или другой человек: модель учится узнавать лицо.\n' +
    '🎨 Художественный — стиль: модель учится манере, цветам и настроению картинок.',
  typePortrait: '👤 Портретный',
  typeStyle: '🎨 Художественный',
  chooseGender: '👤 Кто на фото?\n\nЭто поможет точнее описывать вас в запросах.',
  genderMale: '👨 Мужской',
  genderFemale: '👩 Женский',
  answerWithButtons: '👇 Ответьте кнопкой под вопросом.',
  wizardGoesOn: (chosen) => `📝 Продолжим создание аватара${chosen.length > 0 ? ` (${chosen.join(' · ')})` : ''}.`,
  askName: '✏️ Как назовём аватар?\n\nОт 2 до 50 символов, например: «Я в отпуске».',
  nameTooShort: '❌ Имя слишком короткое. Минимум 2 символа',
  nameTooLong: '❌ Имя слишком длинное. Максимум 50 символов',
  nameNoLetters: '❌ Имя должно содержать буквы или цифры, не только эмодзи и пробелы',
  nameIsText: '✏️ Пришлите имя аватара текстом',

  uploadIntro: (name, photos, type) =>
    `📸 Аватар «${name}»: загрузите от ${photos.min} до ${photos.max} фото.\n\n` +
    (type === 'portrait'
      ? '• хорошее освещение, лицо видно чётко;\n' +
        '• разные ракурсы, выражения и фон;\n' +
        '• без других людей, очков от солнца и сильных фильтров.\n\n'
      : '• картинки в одном стиле: та же манера, палитра, техника;\n' +
        '• разные сюжеты: люди, предметы, места — чтобы модель училась стилю, а не сюжету;\n' +
        '• без надписей, рамок и водяных знаков.\n\n') +
    'Отправляйте как фото или файлами (JPEG, PNG, WebP), можно альбомом.',
  progress: (v) =>
    `${progressLine(v.uploaded, v.max)}\n` +
    `📸 Загружено: ${v.uploaded}/${v.max}\n` +
    `📋 Минимум: ${v.min}` +
    (v.uploaded >= v.min ? '\n\n✅ Можно начинать обучение!' : ''),
  photosButton: (n) => `📸 Загруженные фото (${n})`,
  readyButton: '✅ Готово к обучению',
  cancelCreation: '🗑️ Отменить создание',
  cancelConfirm: (name, photos) =>
    `🗑️ Отменить создание аватара «${name}»?\n\n${photos > 0 ? `Загруженные фото (${photos}) будут удалены безвозвратно.` : 'Фото ещё не загружены.'}`,
  cancelYes: '🗑️ Да, отменить',
  cancelNo: '◀️ Продолжить загрузку',
  creationCancelled: (name) => `🗑️ Создание аватара «${name}» отменено, фото удалены.`,
  photoRefused: (r, count = 1) => (count > 1 ? `❌ ${count} фото не приняты: ${ruRefusal(r)}` : `❌ Фото не принято: ${ruRefusal(r)}`),
  sendPhotoHint: '📸 Сейчас я жду фото: отправьте его как фото или файлом (JPEG, PNG, WebP).',
  notEnoughPhotos: (min) => `Нужно минимум ${min} фото`,
  photoCaption: (i, n) => `📸 Фото ${i}/${n}`,
  deletePhoto: '🗑 Удалить фото',
  backToUpload: '◀️ К загрузке',
  photoDeleted: 'Фото удалено',
  faceStranger: '🤔 Похоже, на этом фото другой человек. Если обучить на нём, аватар получится не похожим на вас.',
  keepPhoto: '✅ Это я, оставить',
  dropPhoto: '🗑 Удалить фото',
  photoKept: '✅ Фото оставлено',
  flagsOpen: (n) =>
    `Сначала решите, что делать с ${n === 1 ? 'фото, похожим' : `${n} фото, похожими`} на другого человека — оставить или удалить.`,
  likeness: (l) => (l.score === null ? '⚠️ лица на картинке не видно' : `🎯 сходство ${l.score} %${l.flagged ? ' ⚠️ не похоже' : ''}`),
  noPhotos: 'Фото пока нет',

  review: (v) =>
    '🦋 Проверьте данные аватара\n\n' +
    `🎭 Имя: ${v.name}\n` +
    `${v.type === 'portrait' ? '👤 Тип: Портретный' : '🎨 Тип: Художественный'}\n` +
    (v.gender ? `${v.gender === 'male' ? '👨 Пол: Мужской' : '👩 Пол: Женский'}\n` : '') +
    `📸 Фото: ${v.photos}\n` +
    (v.faces ? `🧑 ${ruFaces(v.faces)}\n` : '') +
    `⚙️ Режим: ${ruPreset[v.preset]} (${v.steps} шагов)\n` +
    `⏱ Ожидаемое время: ${ruSpan(v.time)}\n` +
    (v.cost
      ? `⭐ Стоимость: ${v.cost.price} ⭐, на балансе ${v.cost.balance} ⭐` +
        (v.cost.balance < v.cost.price
          ? ` — не хватает ${v.cost.price - v.cost.balance} ⭐, пополнить можно после «🚀 Начать обучение»\n`
          : '\n')
      : '') +
    '\n' +
    'После запуска данные изменить нельзя.',
  startTraining: '🚀 Начать обучение',
  backToPhotos: '◀️ К загрузке фото',
  preparing: (name) => `⏳ Готовлю фото аватара «${name}» к обучению…`,
  alreadyStarted: 'Обучение уже запущено',
  trainingStarted: (name, time, receipt) =>
    `⏳ Обучение началось!\n\n🎭 Аватар «${name}» будет готов примерно через ${ruSpan(time)}. ` +
    'Я пришлю сообщение, как только он будет готов — можно закрыть чат.' +
    (receipt ? `\n\n${ruReceipt(receipt)}` : ''),
  submitFailed: (name, temporary) =>
    `❌ Не удалось запустить обучение аватара «${name}»: ` +
    (temporary ? 'сервис обучения временно недоступен.' : 'сервис обучения отклонил запрос.') +
    '\n\nФото сохранены — попробуйте ещё раз.',
  retry: '🔁 Повторить',

  trainingReady: (name) =>
    `✅ Аватар «${name}» готов!\n\nОпишите картинку словами — например, «в костюме астронавта на Марсе» — и я нарисую её с вашим аватаром.`,
  trainingFailed: (name, code) =>
    `❌ Не удалось обучить аватар «${name}»: ${ruFailure[code]}.\n\nФото сохранены — можно запустить обучение ещё раз.`,
  trainingCancelled: (name) => `⏹ Обучение аватара «${name}» остановлено.\n\nФото сохранены — обучение можно запустить заново.`,
  generateButton: '🎨 Генерировать',
  retryTraining: '🔁 Повторить обучение',

  gallery: {
    empty: (photos) =>
      `🎭 У вас пока нет аватаров.\n\nСоздайте первый: загрузите ${range([photos.min, photos.max])} фото — и я научусь рисовать вас.`,
    create: '➕ Создать аватар',
    card: (c) =>
      `🎭 ${c.name}${c.isMain ? ' ⭐' : ''}\n\n` +
      `${c.type === 'portrait' ? '👤 Тип: Портретный' : '🎨 Тип: Художественный'}\n` +
      `📊 Статус: ${c.stopping ? '⏳ Останавливается' : ruStatus[c.status]}\n` +
      (c.status === 'training' && c.progress
        ? c.progress.phase === 'queued'
          ? `🕒 В очереди${c.progress.queuePosition !== null ? `, место ${c.progress.queuePosition + 1}` : ''}\n`
          : `📈 Идёт обучение${ruStep(c.progress.log)}\n`
        : '') +
      `📅 Создан: ${ruDate(c.createdAt)}\n` +
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
    mainSet: (name) => `⭐ «${name}» теперь основной аватар`,
    askRename: (name) => `✏️ Новое имя для аватара «${name}» (от 2 до 50 символов):`,
    renamed: (name) => `✅ Аватар переименован в «${name}»`,
    historyEmpty: (name) => `📜 История «${name}»\n\nГенераций пока нет.`,
    historyTitle: (name) => `📜 История «${name}»`,
    historyByLikenessTitle: (name) => `📜 История «${name}» · по сходству`,
    historyOlder: '◀️ Раньше',
    historyNewer: 'Новее ▶️',
    reopened: (v) => `📜 «${v.name}», ${v.date}\n«${v.prompt}»`,
    historyByLikeness: '🎯 По сходству',
    historyByDate: '🕒 По дате',
    stopConfirm: (name) =>
      `⏹ Отменить обучение аватара «${name}»?\n\n` +
      'Обучение будет остановлено на сервере, результат не сохранится. Фото останутся — обучение можно запустить заново.',
    stopYes: '⏹ Да, отменить',
    stopNo: '◀️ Нет, продолжить',
    stopping: (name) => `⏳ Останавливаю обучение аватара «${name}»…`,
    stopFailed: 'Не удалось связаться с сервисом обучения. Попробуйте ещё раз чуть позже.',
    stopTooLate: 'Обучение уже завершается — дождитесь результата.',
    stopFinished: 'Обучение уже закончилось — отменять нечего.',
    noPreviewPhotos: 'У этого аватара нет фото',
  },
  deleteConfirm: (name, status, paid) =>
    '🗑️ Подтверждение удаления\n\n' +
    '❓ Вы действительно хотите удалить аватар?\n\n' +
    `🎭 Название: ${name}\n` +
    `📊 Статус: ${ruStatus[status]}\n\n` +
    '⚠️ Внимание! Это действие нельзя отменить.\n' +
    'Все данные аватара будут удалены навсегда:\n' +
    '• Обученная модель\n' +
    '• Загруженные фотографии\n' +
    '• История генераций\n\n' +
    (paid > 0 ? `⏹ Обучение будет остановлено: если сервис успеет его отменить, ${paid} ⭐ вернутся на баланс.\n\n` : '') +
    '🤔 Подумайте ещё раз перед удалением.',
  deleteYes: '❌ Да, удалить',
  deleteNo: '✅ Отмена',
  deleted: (name, refunded) => `🗑️ Аватар «${name}» удалён${refunded > 0 ? `. ↩️ ${refunded} ⭐ вернулись на баланс` : ''}`,

  limits: {
    avatars: (max) =>
      `🎭 У вас уже ${max} ${max === 1 ? 'аватар' : 'аватаров'} (вместе с черновиками) — это максимум.\n\n` +
      'Удалите ненужный в «🎭 Мои аватары», и можно будет создать новый.',
    inFlight: (v) =>
      `⏳ Сейчас обучается «${v.running}»: одновременно можно обучать ${v.max === 1 ? 'один аватар' : `не больше ${v.max} аватаров`}.\n\n` +
      `Оно закончится примерно через ${v.in} — тогда запустите это обучение.`,
    daily: (v) =>
      `📅 За последние 24 часа вы запустили ${ruTrainings(v.max)} — это максимум на сутки.\n\n` +
      `Следующее можно будет запустить через ${v.in}.`,
    dailyAhead: (v) =>
      `📅 За последние 24 часа вы запустили ${ruTrainings(v.max)} — это максимум на сутки.\n\n` +
      `Аватар можно подготовить уже сейчас, а обучение запустить через ${v.in}.`,
  },
  date: ruDate,
  duration: (ms) => {
    if (ms < 60_000) return `${Math.max(1, Math.ceil(ms / 1000))} с`;
    const minutes = Math.max(1, Math.ceil(ms / 60_000));
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return [h > 0 ? `${h} ч` : '', m > 0 ? `${m} мин` : ''].filter(Boolean).join(' ');
  },

  stars: {
    notEnough: (v) =>
      `⭐ Не хватает звёзд: ${{ training: 'обучение', generation: 'генерация', shoot: 'фотосессия' }[v.what]} стоит ${v.price} ⭐, на балансе ${v.balance} ⭐.\n\n` +
      'Пополните баланс — после оплаты я предложу продолжить.',
    pack: (stars) => `⭐ ${stars}`,
    invoiceTitle: (stars) => `${stars} звёзд на баланс`,
    invoiceDescription: (v) =>
      `Пополнение баланса бота на ${v.stars} ⭐.` +
      (v.priceTraining > 0 ? ` Обучение аватара — ${v.priceTraining} ⭐.` : '') +
      (v.priceGeneration > 0 ? ` Генерация — ${v.priceGeneration} ⭐.` : ''),
    invoiceLabel: (stars) => `${stars} ⭐`,
    credited: (v) => `✅ Баланс пополнен на ${v.amount} ⭐. Сейчас на балансе ${v.balance} ⭐.`,
    resumeTraining: (name) => `🚀 Начать обучение «${name}»`,
    resumeGeneration: '🎨 Нарисовать',
    refunded: (stars) => `\n\n↩️ ${stars} ⭐ вернулись на баланс.`,
    receipt: (r) => ruReceipt(r),
    balance: (v) =>
      `⭐ Баланс: ${v.balance} ⭐\n\n` +
      `🚀 Обучение — ${ruPrice(v.priceTraining)}, 🎨 генерация — ${ruPrice(v.priceGeneration)}.` +
      (v.movements.length
        ? `\n\n📜 Последние операции:\n${v.movements
            .map(
              (m) =>
                `${ruDate(m.date)}  ${m.amount > 0 ? '+' : '−'}${Math.abs(m.amount)} ⭐  ${ruKind[m.kind]}${m.note ? ` «${m.note}»` : ''}`,
            )
            .join('\n')}`
        : '') +
      '\n\nПополнить:',
    free: '⭐ Сейчас всё бесплатно: обучение и генерация ничего не стоят, баланс не нужен.',
    balanceLine: (balance) => `⭐ Баланс: ${balance} ⭐ — /balance`,
    paySupport: (v) =>
      '💬 Поддержка по оплате\n\n' +
      (v.free ? '🎁 Сейчас бот бесплатный: обучение и картинки ничего не стоят, звёзды не списываются.\n\n' : '') +
      (v.contact ? `Напишите ${v.contact} и укажите номер платежа.` : 'Ответьте на это сообщение и укажите номер платежа.') +
      ' Если обучение или генерация не удались, звёзды возвращаются на баланс сами.' +
      (v.payments.length
        ? `\n\n🧾 Ваши платежи:\n${v.payments.map((p) => `${ruDate(p.date)}  ${p.amount} ⭐  ${p.chargeId}`).join('\n')}`
        : ''),
    terms: (v) =>
      '📄 Условия\n\n' +
      (v.free ? '🎁 Сейчас бот бесплатный: обучение и картинки ничего не стоят, звёзды не списываются.\n\n' : '') +
      `• Звёзды Telegram пополняют баланс в этом боте. Обучение аватара — ${ruPrice(v.priceTraining)}, генерация — ${ruPrice(v.priceGeneration)}.\n` +
      '• Цена списывается при запуске. Если сервис не смог обучить модель или нарисовать картинку, если обучение отменено ' +
      'до начала или не уложилось во время, звёзды сразу возвращаются на баланс.\n' +
      '• Результат создаёт нейросеть: сходство и качество не гарантируются.\n' +
      '• Фото используются только для обучения вашего аватара; удаление аватара удаляет фото, модель и картинки навсегда.\n' +
      '• Вопросы и возврат неиспользованных звёзд — /paysupport.',
    offerExpired: 'Этот счёт устарел. Откройте /balance и выберите пакет заново.',
    paymentProblem:
      '⚠️ Платёж получен, но я не смог сопоставить его со счётом — звёзды не зачислены. ' + 'Напишите в /paysupport: мы вернём платёж.',
    refundedByTelegram: (v) =>
      `↩️ Telegram вернул вам ${v.amount} ⭐ за покупку — они списаны с баланса. Сейчас на балансе ${v.balance} ⭐.`,
  },

  support: {
    received: '📨 Передал ваше сообщение в поддержку — ответим здесь же. Ничего не списано.',
    forwarded: (who, text) => `💬 Сообщение в поддержку от ${who}:\n\n${text}`,
  },
  sets: {
    previewCaption: (name, seconds) =>
      `👀 Предпросмотр «${name}» — так примерно выглядит ваш аватар.${seconds ? ` Настоящий будет готов через ~${ruSpan([seconds, seconds])}.` : ''}`,
    welcomeCaption: (name) => `🎁 Первые снимки с аватаром «${name}»`,
    shootCaption: (title, from, to, total) => `📸 ${title} · ${from === to ? from : `${from}–${to}`} из ${total}`,
    progress: (title, ended, total) => `📸 Фотосессия «${title}»: ${ended}/${total} готово…`,
    finished: (title, delivered, total) => `✅ Фотосессия «${title}»: ${delivered}/${total} готово`,
    votes: (from, to) => `Оцените снимки ${from}–${to}: 👍 — нравится, 👎 — нет. Так мы узнаём, какие съёмки удаются.`,
    done: (title, delivered, failed, refunded) =>
      `✅ Фотосессия «${title}» готова: ${delivered} ${ruPictures(delivered)}.` +
      (failed > 0
        ? ` ${failed} не ${failed === 1 ? 'получился' : 'получились'}${refunded > 0 ? ` — ${refunded} ⭐ вернулись на баланс.` : '.'}`
        : ''),
    voted: (vote) => (vote === 1 ? '👍 Спасибо!' : '👎 Учтём'),
    catalog: (name, price) => `📸 Фотосессии с аватаром «${name}». Каждая — ${ruPrice(price)}. Выберите тему:`,
    theme: (emoji, title, pictures, likeRate) => `${emoji} ${title} · ${pictures} фото${likeRate === null ? '' : ` · 👍 ${likeRate}%`}`,
    confirm: (emoji, title, pictures, name, price) =>
      `${emoji} Фотосессия «${title}»: ${pictures} ${ruPictures(pictures)} с аватаром «${name}».\n\nЦена: ${ruPrice(price)}. Снимки придут альбомами, как только будут готовы.`,
    go: '📸 Начать съёмку',
    busy: '⏳ Одна фотосессия уже идёт — дождитесь её окончания.',
    noAvatar: '📸 Для фотосессии нужен готовый аватар. Создайте его через «➕ Создать аватар» или выберите готовый в «🎭 Мои аватары».',
    off: '📸 Фотосессии сейчас выключены.',
    more: '📸 Ещё фотосессия',
  },
  ideas: {
    title: (name) => `✨ Идеи для аватара «${name}» — нажмите, и я нарисую:`,
    more: '🔄 Другие идеи',
    names: {
      astronaut: '🚀 Астронавт на Марсе',
      paris: '🗼 Прогулка по Парижу',
      knight: '🛡 Средневековый рыцарь',
      business: '💼 Деловой портрет',
      cyberpunk: '🌃 Киберпанк-город ночью',
      beach: '🏝 Закат на тропическом пляже',
      mountains: '🏔 Над облаками в горах',
      vintage: '🎞 Голливуд 1950-х',
      winter: '❄️ Зимний лес',
      superhero: '🦸 Супергерой на крыше',
      cafe: '☕ Утро в кафе',
      anime: '🎌 Аниме-персонаж',
      city: '🌆 Вечерний город',
      forest: '🌲 Лесная тропа в тумане',
      cat: '🐈 Кот на подоконнике',
      harbor: '⛵ Рыбацкая гавань на рассвете',
      portrait: '👒 Портрет девушки в шляпе',
      still: '🍎 Натюрморт с фруктами',
      castle: '🏰 Замок над рекой',
      space: '🌍 Астронавт над Землёй',
      market: '🧺 Фруктовый рынок',
      lighthouse: '🌊 Маяк в шторм',
    },
  },
  gen: {
    chooseFormat: (name) => `🖼 Выберите формат картинки с аватаром «${name}»:`,
    formats: { portrait: '📱 Портрет (3:4)', square: '🔲 Квадрат (1:1)', story: '📺 Сторис (9:16)', cinema: '🎬 Кино (16:9)' },
    askPrompt: (name) =>
      `✍️ Опишите, что нарисовать с аватаром «${name}» (до 1000 символов).\n\n` +
      'Например: «в костюме астронавта на Марсе, кинематографичный свет».',
    promptInvalid: (length) => `❌ Запрос должен быть текстом от 1 до 1000 символов${length > 0 ? ` — в этом ${length}` : ''}`,
    busy: '⏳ Дождитесь окончания текущей генерации — я пришлю картинку, как только она будет готова.',
    started: '🎨 Генерирую… Обычно это занимает до минуты.',
    noMain: '🎨 Для генерации нужен готовый аватар. Создайте его через «➕ Создать аватар» или выберите готовый в «🎭 Мои аватары».',
    notTrained: (name) => `⏳ Аватар «${name}» ещё не готов: сначала он должен обучиться.`,
    noModel: (name) => `❌ У аватара «${name}» нет обученной модели. Запустите обучение ещё раз.`,
    done: (name) => `🎨 Готово! Аватар «${name}»`,
    again: '🔁 Ещё',
    variation: '🔁 Вариация',
    ideas: '✨ Идеи',
    prompt: '📝 Промпт',
    promptShown: (prompt, english) => `📝 Ваш запрос:\n\n${prompt}${english ? `\n\n🇬🇧 Промпт для модели:\n\n${english}` : ''}`,
    promptPrice: (name, prompt, price, balance) =>
      `🎨 Нарисовать с аватаром «${name}»: «${prompt}»?\n\nЦена — ${price} ⭐, на балансе ${balance} ⭐. В этом разговоре больше спрашивать не буду.`,
    drawFor: (price) => `🎨 Нарисовать за ${price} ⭐`,
    dontDraw: '✖️ Не рисовать',
    notDrawn: 'Хорошо, не рисую. Ничего не списано.',
    promptRefused:
      '🚫 Такое я рисовать не буду: откровенные сцены с реальным человеком, всё, что касается детей в таком смысле, и незаконное — под запретом. Опишите картинку иначе. Ничего не списано.',
    failed: (code) =>
      code === 'nsfw'
        ? '🔞 Картинка не прошла проверку безопасности. Попробуйте изменить запрос.'
        : `❌ Не удалось сгенерировать картинку: ${ruGenFailure[code]}. Попробуйте ещё раз.`,
  },
};
