import type { TrainingPresetName } from '../../config.js';
import type { AvatarStatus } from '../../domain/avatar-lifecycle.js';
import type { UploadRefusal } from '../../domain/avatar-photos.js';
import type { EntryKind } from '../../domain/billing/ledger.js';
import type { FaceSummary } from '../../domain/faces.js';
import type { GenerationFailure } from '../../domain/generation/result.js';
import type { TrainingFailureNotice } from '../../domain/notifications.js';
import { dateTimeFormat, progressLine, range, size, span, trainerProgress } from './format.js';
import type { Texts } from './types.js';

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

const enGenFailure: Record<GenerationFailure, string> = {
  provider_error: 'the drawing service reported an error',
  invalid_result: 'the drawing service returned an unexpected result',
  nsfw: 'the picture did not pass the safety check',
  timed_out: 'drawing took too long',
};

const enFailure: Record<TrainingFailureNotice, string> = {
  provider_error: 'the training service reported an error',
  invalid_result: 'the training service returned an unexpected result',
  timed_out: 'the training took too long',
  cancelled: 'the training was cancelled',
  submit_interrupted: 'starting the training was interrupted',
};

const enKind: Record<EntryKind, string> = {
  free_credits: 'gift',
  payment: 'top-up',
  training: 'training',
  generation: 'picture',
  shoot: 'photo shoot',
  refund: 'refund',
  late_charge: 'training',
  payment_refund: 'payment refunded',
};

const enPrice = (stars: number) => (stars > 0 ? `${stars} ⭐` : 'free');

const enReceipt = (r: { taken: number; left: number }) => `⭐ ${r.taken} ⭐ taken, ${r.left} ⭐ left on your balance.`;
const enSpan = (seconds: [number, number]) => span(seconds, { s: 's', min: 'min' });

const enDate = dateTimeFormat('en-GB');

const enPreset: Record<TrainingPresetName, string> = { fast: 'Fast', balanced: 'Balanced', quality: 'Quality' };

function enRefusal(r: UploadRefusal): string {
  switch (r.kind) {
    case 'not_image':
      return 'this is not an image';
    case 'unsupported_format':
      return `${r.format.toUpperCase()} is not supported, send JPEG, PNG or WebP`;
    case 'heic':
      return 'HEIC (iPhone) is a format I cannot read. Send the shot as a photo rather than a file, or as JPEG, PNG or WebP';
    case 'too_dark':
      return 'it is too dark. Send a shot taken in good light, where details show';
    case 'too_uniform':
      return 'there is almost nothing in it (one colour). Send an ordinary photo';
    case 'too_blurry':
      return 'it is too blurry. Send a sharp shot, in focus and not smeared by motion';
    case 'too_large':
      return `the file is larger than ${size(r.maxBytes, 'MB', 'KB')}`;
    case 'too_small':
      return `too small (${r.side} px on the short side, at least ${r.minSide} px needed)`;
    case 'too_many_pixels':
      return `the image is too large (over ${r.maxMegapixels} megapixels or ${r.maxSide} px a side)`;
    case 'duplicate':
      return 'this photo is already uploaded';
    case 'over_limit':
      return `the maximum of ${r.max} photos is already uploaded`;
    case 'download_failed':
      return 'could not download it from Telegram, please send it again';
    case 'no_face':
      return 'I can’t see a face in it. Send a photo where your face is clearly visible';
    case 'several_faces':
      return `it shows ${r.count} faces. Crop it so that only you are in the picture`;
    case 'face_too_small':
      return `the face is too small (${r.percent}% of the frame, at least ${r.minPercent}% needed). Come closer or crop the photo`;
    case 'face_cut_off':
      return 'the face is cut off by the frame. Send a photo with the whole face in it';
  }
}

function enFaces(f: NonNullable<FaceSummary>): string {
  const person = f.flagged > 0 ? `like someone else: ${f.flagged} ⚠️` : 'one person ✅';
  return `${f.photos} photos · one face in each · ${person}`;
}

const enStep = (log: string | null) => {
  const step = trainerProgress(log, (done, total) => `step ${done} of ${total}`);
  return step ? `: ${step}` : '';
};

export const en: Texts = {
  menu: {
    createAvatar: '➕ Create avatar',
    myAvatars: '🎭 My avatars',
    generate: '🎨 Generate',
    shoots: '📸 Photo shoots',
    help: 'ℹ️ Help',
  },
  greeting: (name, photos) =>
    `👋 Hi, ${name}!\n\n` +
    `I make personal AI avatars. Upload ${range([photos.min, photos.max])} photos of yourself (or of a style you like), ` +
    'I will train a model on them — and then draw you in any setting from a text prompt.\n\n' +
    'Choose an action in the menu 👇',
  help: (v) =>
    'ℹ️ How it works\n\n' +
    '1. “➕ Create avatar”: choose the type (👤 portrait — a person, 🎨 artistic — a style) and a name.\n' +
    `2. Upload ${v.min} to ${v.max} photos: well lit, from different angles, with nobody else in the frame.\n` +
    `3. Start the training: it takes about ${enSpan(v.time)}, and I will message you when the avatar is ready.\n` +
    '4. “🎨 Generate”: describe a picture in words and I will draw it with your avatar.\n\n' +
    '“🎭 My avatars” lists all your avatars: photos, generation history, deletion.',
  chooseFromMenu: 'Choose an action in the menu 👇',
  somethingWentWrong: '⚠️ Something went wrong. Please try again a little later.',
  staleButton: 'This button is out of date',
  notYourAvatar: '⛔ This is not your avatar',
  avatarGone: 'This avatar has been deleted',
  privateOnly: '🔒 I only work in a private chat: avatars and photos are personal. Please message me directly.',

  unfinished: (name, photos) => `📝 You have an unfinished avatar “${name}” (photos: ${photos}).\nContinue it or create a new one?`,
  draftKept: (name, photos) =>
    `📝 Your draft “${name}” is kept (photos: ${photos}). Continue any time — with the button below or through “➕ Create avatar”.`,
  resume: (name) => `🔄 Continue “${name}”`,
  newAvatar: '➕ Create a new one',

  chooseType:
    '🎭 What kind of avatar?\n\n' +
    '👤 Portrait — you or another person: the model learns to recognise the face.\n' +
    '🎨 Artistic — a style: the model learns the manner, colours and mood of the pictures.',
  typePortrait: '👤 Portrait',
  typeStyle: '🎨 Artistic',
  chooseGender: '👤 Who is in the photos?\n\nThis helps to describe you precisely in prompts.',
  genderMale: '👨 Male',
  genderFemale: '👩 Female',
  answerWithButtons: '👇 Please answer with a button under the question.',
  wizardGoesOn: (chosen) => `📝 Let’s go on creating the avatar${chosen.length > 0 ? ` (${chosen.join(' · ')})` : ''}.`,
  askName: '✏️ What shall we call the avatar?\n\n2 to 50 characters, for example “Me on holiday”.',
  nameTooShort: '❌ The name is too short. At least 2 characters',
  nameTooLong: '❌ The name is too long. At most 50 characters',
  nameNoLetters: '❌ The name needs letters or digits, not only emoji and spaces',
  nameIsText: '✏️ Please send the avatar’s name as text',

  uploadIntro: (name, photos, type) =>
    `📸 Avatar “${name}”: upload ${photos.min} to ${photos.max} photos.\n\n` +
    (type === 'portrait'
      ? '• good light, the face clearly visible;\n' +
        '• different angles, expressions and backgrounds;\n' +
        '• no other people, sunglasses or heavy filters.\n\n'
      : '• pictures in one style: the same manner, palette and technique;\n' +
        '• different subjects — people, things, places — so the model learns the style, not the subject;\n' +
        '• no captions, frames or watermarks.\n\n') +
    'Send them as photos or as files (JPEG, PNG, WebP); albums are fine.',
  progress: (v) =>
    `${progressLine(v.uploaded, v.max)}\n` +
    `📸 Uploaded: ${v.uploaded}/${v.max}\n` +
    `📋 Minimum: ${v.min}` +
    (v.uploaded >= v.min ? '\n\n✅ Ready to train!' : ''),
  photosButton: (n) => `📸 Uploaded photos (${n})`,
  readyButton: '✅ Ready to train',
  cancelCreation: '🗑️ Cancel creation',
  cancelConfirm: (name, photos) =>
    `🗑️ Cancel creating “${name}”?\n\n${photos > 0 ? `The uploaded photos (${photos}) will be deleted for good.` : 'No photos uploaded yet.'}`,
  cancelYes: '🗑️ Yes, cancel',
  cancelNo: '◀️ Keep uploading',
  creationCancelled: (name) => `🗑️ Creation of “${name}” cancelled, its photos are deleted.`,
  photoRefused: (r, count = 1) =>
    count > 1 ? `❌ ${count} photos not accepted: ${enRefusal(r)}` : `❌ Photo not accepted: ${enRefusal(r)}`,
  sendPhotoHint: '📸 I am waiting for photos: send one as a photo or as a file (JPEG, PNG, WebP).',
  notEnoughPhotos: (min) => `At least ${min} photos are needed`,
  photoCaption: (i, n) => `📸 Photo ${i}/${n}`,
  deletePhoto: '🗑 Delete photo',
  backToUpload: '◀️ Back to upload',
  photoDeleted: 'Photo deleted',
  faceStranger: '🤔 This looks like someone else. Trained on it, the avatar will not look like you.',
  keepPhoto: '✅ It’s me, keep it',
  dropPhoto: '🗑 Delete photo',
  photoKept: '✅ Photo kept',
  flagsOpen: (n) => `First decide about the ${n === 1 ? 'photo that looks' : `${n} photos that look`} like someone else: keep or delete.`,
  likeness: (l) => (l.score === null ? '⚠️ no face in the picture' : `🎯 likeness ${l.score} %${l.flagged ? ' ⚠️ not alike' : ''}`),
  noPhotos: 'No photos yet',

  review: (v) =>
    '🦋 Check the avatar\n\n' +
    `🎭 Name: ${v.name}\n` +
    `${v.type === 'portrait' ? '👤 Type: Portrait' : '🎨 Type: Artistic'}\n` +
    (v.gender ? `${v.gender === 'male' ? '👨 Gender: Male' : '👩 Gender: Female'}\n` : '') +
    `📸 Photos: ${v.photos}\n` +
    (v.faces ? `🧑 ${enFaces(v.faces)}\n` : '') +
    `⚙️ Mode: ${enPreset[v.preset]} (${v.steps} steps)\n` +
    `⏱ Expected time: ${enSpan(v.time)}\n` +
    (v.cost
      ? `⭐ Price: ${v.cost.price} ⭐, your balance is ${v.cost.balance} ⭐` +
        (v.cost.balance < v.cost.price ? ` — ${v.cost.price - v.cost.balance} ⭐ short, top up after “🚀 Start training”\n` : '\n')
      : '') +
    '\n' +
    'Once started, it cannot be changed.',
  startTraining: '🚀 Start training',
  backToPhotos: '◀️ Back to photos',
  preparing: (name) => `⏳ Preparing the photos of “${name}” for training…`,
  alreadyStarted: 'Training has already started',
  trainingStarted: (name, time, receipt) =>
    `⏳ Training has started!\n\n🎭 “${name}” will be ready in about ${enSpan(time)}. ` +
    'I will message you as soon as it is — you can close the chat.' +
    (receipt ? `\n\n${enReceipt(receipt)}` : ''),
  submitFailed: (name, temporary) =>
    `❌ Could not start training “${name}”: ` +
    (temporary ? 'the training service is temporarily unavailable.' : 'the training service refused the request.') +
    '\n\nYour photos are kept — please try again.',
  retry: '🔁 Retry',

  trainingReady: (name) =>
    `✅ Avatar “${name}” is ready!\n\nDescribe a picture in words — for example “in a space suit on Mars” — and I will draw it with your avatar.`,
  trainingFailed: (name, code) =>
    `❌ Could not train “${name}”: ${enFailure[code]}.\n\nYour photos are kept — you can start the training again.`,
  trainingCancelled: (name) => `⏹ The training of “${name}” is stopped.\n\nYour photos are kept — you can start the training again.`,
  generateButton: '🎨 Generate',
  retryTraining: '🔁 Retry training',

  gallery: {
    empty: (photos) =>
      `🎭 You have no avatars yet.\n\nCreate the first one: upload ${range([photos.min, photos.max])} photos and I will learn to draw you.`,
    create: '➕ Create avatar',
    card: (c) =>
      `🎭 ${c.name}${c.isMain ? ' ⭐' : ''}\n\n` +
      `${c.type === 'portrait' ? '👤 Type: Portrait' : '🎨 Type: Artistic'}\n` +
      `📊 Status: ${c.stopping ? '⏳ Stopping' : enStatus[c.status]}\n` +
      (c.status === 'training' && c.progress
        ? c.progress.phase === 'queued'
          ? `🕒 Queued${c.progress.queuePosition !== null ? `, place ${c.progress.queuePosition + 1}` : ''}\n`
          : `📈 Training${enStep(c.progress.log)}\n`
        : '') +
      `📅 Created: ${enDate(c.createdAt)}\n` +
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
    mainSet: (name) => `⭐ “${name}” is now your main avatar`,
    askRename: (name) => `✏️ A new name for “${name}” (2 to 50 characters):`,
    renamed: (name) => `✅ Avatar renamed to “${name}”`,
    historyEmpty: (name) => `📜 History of “${name}”\n\nNo generations yet.`,
    historyTitle: (name) => `📜 History of “${name}”`,
    historyByLikenessTitle: (name) => `📜 History of “${name}” · most alike first`,
    historyOlder: '◀️ Older',
    historyNewer: 'Newer ▶️',
    reopened: (v) => `📜 “${v.name}”, ${v.date}\n“${v.prompt}”`,
    historyByLikeness: '🎯 Most alike first',
    historyByDate: '🕒 Newest first',
    stopConfirm: (name) =>
      `⏹ Cancel the training of “${name}”?\n\n` +
      'The training is stopped on the server and its result is lost. The photos stay — you can train again.',
    stopYes: '⏹ Yes, cancel',
    stopNo: '◀️ No, keep training',
    stopping: (name) => `⏳ Stopping the training of “${name}”…`,
    stopFailed: 'Could not reach the training service. Please try again a little later.',
    stopTooLate: 'The training is finishing already — wait for the result.',
    stopFinished: 'The training has already ended — there is nothing to stop.',
    noPreviewPhotos: 'This avatar has no photos',
  },
  deleteConfirm: (name, status, paid) =>
    '🗑️ Confirm deletion\n\n' +
    '❓ Do you really want to delete this avatar?\n\n' +
    `🎭 Name: ${name}\n` +
    `📊 Status: ${enStatus[status]}\n\n` +
    '⚠️ Warning! This cannot be undone.\n' +
    'All of the avatar’s data is deleted forever:\n' +
    '• The trained model\n' +
    '• The uploaded photos\n' +
    '• The generation history\n\n' +
    (paid > 0 ? `⏹ The training is stopped: if the service cancels it in time, ${paid} ⭐ come back to your balance.\n\n` : '') +
    '🤔 Think twice before deleting.',
  deleteYes: '❌ Yes, delete',
  deleteNo: '✅ Cancel',
  deleted: (name, refunded) => `🗑️ Avatar “${name}” deleted${refunded > 0 ? `. ↩️ ${refunded} ⭐ are back on your balance` : ''}`,

  limits: {
    avatars: (max) =>
      `🎭 You already have ${max} avatar${max === 1 ? '' : 's'} (drafts included) — that is the maximum.\n\n` +
      'Delete one you no longer need in “🎭 My avatars” to create a new one.',
    inFlight: (v) =>
      `⏳ “${v.running}” is training now: ${v.max === 1 ? 'one training' : `up to ${v.max} trainings`} at a time.\n\n` +
      `It should finish in about ${v.in} — then start this one.`,
    daily: (v) =>
      `📅 You started ${v.max} trainings in the last 24 hours — the daily maximum.\n\n` + `You can start the next one in ${v.in}.`,
    dailyAhead: (v) =>
      `📅 You started ${v.max} trainings in the last 24 hours — the daily maximum.\n\n` +
      `You can prepare the avatar now and start its training in ${v.in}.`,
  },
  date: enDate,
  duration: (ms) => {
    if (ms < 60_000) return `${Math.max(1, Math.ceil(ms / 1000))} s`;
    const minutes = Math.max(1, Math.ceil(ms / 60_000));
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return [h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : ''].filter(Boolean).join(' ');
  },

  stars: {
    notEnough: (v) =>
      `⭐ Not enough Stars: ${{ training: 'a training', generation: 'a picture', shoot: 'a photo shoot' }[v.what]} costs ${v.price} ⭐, your balance is ${v.balance} ⭐.\n\n` +
      'Top up — once paid, I will offer to carry on.',
    pack: (stars) => `⭐ ${stars}`,
    invoiceTitle: (stars) => `${stars} Stars for your balance`,
    invoiceDescription: (v) =>
      `Adds ${v.stars} ⭐ to your balance in this bot.` +
      (v.priceTraining > 0 ? ` Training an avatar: ${v.priceTraining} ⭐.` : '') +
      (v.priceGeneration > 0 ? ` A picture: ${v.priceGeneration} ⭐.` : ''),
    invoiceLabel: (stars) => `${stars} ⭐`,
    credited: (v) => `✅ ${v.amount} ⭐ added. Your balance is ${v.balance} ⭐.`,
    resumeTraining: (name) => `🚀 Start training “${name}”`,
    resumeGeneration: '🎨 Draw it',
    refunded: (stars) => `\n\n↩️ ${stars} ⭐ are back on your balance.`,
    receipt: (r) => enReceipt(r),
    balance: (v) =>
      `⭐ Balance: ${v.balance} ⭐\n\n` +
      `🚀 Training: ${enPrice(v.priceTraining)}, 🎨 a picture: ${enPrice(v.priceGeneration)}.` +
      (v.movements.length
        ? `\n\n📜 Recent movements:\n${v.movements
            .map(
              (m) =>
                `${enDate(m.date)}  ${m.amount > 0 ? '+' : '−'}${Math.abs(m.amount)} ⭐  ${enKind[m.kind]}${m.note ? ` “${m.note}”` : ''}`,
            )
            .join('\n')}`
        : '') +
      '\n\nTop up:',
    free: '⭐ Everything is free right now: trainings and pictures cost nothing, no balance needed.',
    balanceLine: (balance) => `⭐ Balance: ${balance} ⭐ — /balance`,
    paySupport: (v) =>
      '💬 Payment support\n\n' +
      (v.free ? '🎁 The bot is free right now: trainings and pictures cost nothing, no Stars are taken.\n\n' : '') +
      (v.contact ? `Write to ${v.contact} with the payment number.` : 'Reply to this message with the payment number.') +
      ' If a training or a picture fails, its Stars come back to your balance by themselves.' +
      (v.payments.length
        ? `\n\n🧾 Your payments:\n${v.payments.map((p) => `${enDate(p.date)}  ${p.amount} ⭐  ${p.chargeId}`).join('\n')}`
        : ''),
    terms: (v) =>
      '📄 Terms\n\n' +
      (v.free ? '🎁 The bot is free right now: trainings and pictures cost nothing, no Stars are taken.\n\n' : '') +
      `• Telegram Stars top up your balance in this bot. Training an avatar: ${enPrice(v.priceTraining)}, a picture: ${enPrice(v.priceGeneration)}.\n` +
      '• The price is taken when you start. If the service could not train the model or draw the picture, or a training ' +
      'was cancelled before it began or ran out of time, the Stars come back to your balance at once.\n' +
      '• Results are made by a neural network: likeness and quality are not guaranteed.\n' +
      '• Photos are used only to train your avatar; deleting an avatar deletes its photos, model and pictures for good.\n' +
      '• Questions and refunds of unused Stars: /paysupport.',
    offerExpired: 'This invoice is out of date. Open /balance and choose a pack again.',
    paymentProblem:
      '⚠️ Payment received, but I could not match it to an invoice — nothing was credited. ' +
      'Please write to /paysupport: we will refund it.',
    refundedByTelegram: (v) =>
      `↩️ Telegram gave you back ${v.amount} ⭐ for a purchase; they are taken off your balance. Your balance is ${v.balance} ⭐.`,
  },

  support: {
    received: '📨 Your message went to support — we will answer here. Nothing was charged.',
    forwarded: (who, text) => `💬 Support message from ${who}:\n\n${text}`,
  },
  sets: {
    previewCaption: (name, seconds) =>
      `👀 Preview of “${name}” — roughly how your avatar looks.${seconds ? ` The real one is ready in ~${enSpan([seconds, seconds])}.` : ''}`,
    welcomeCaption: (name) => `🎁 First pictures with “${name}”`,
    shootCaption: (title, from, to, total) => `📸 ${title} · ${from === to ? from : `${from}–${to}`} of ${total}`,
    progress: (title, ended, total) => `📸 Photo shoot “${title}”: ${ended}/${total} ready…`,
    finished: (title, delivered, total) => `✅ Photo shoot “${title}”: ${delivered}/${total} ready`,
    votes: (from, to) => `Rate pictures ${from}–${to}: 👍 like, 👎 not. It tells us which shoots work.`,
    done: (title, delivered, failed, refunded) =>
      `✅ Photo shoot “${title}” is ready: ${delivered} picture${delivered === 1 ? '' : 's'}.` +
      (failed > 0 ? ` ${failed} failed${refunded > 0 ? ` — ${refunded} ⭐ are back on your balance.` : '.'}` : ''),
    voted: (vote) => (vote === 1 ? '👍 Thanks!' : '👎 Noted'),
    catalog: (name, price) => `📸 Photo shoots with “${name}”, ${enPrice(price)} each. Pick a theme:`,
    theme: (emoji, title, pictures, likeRate) => `${emoji} ${title} · ${pictures} pictures${likeRate === null ? '' : ` · 👍 ${likeRate}%`}`,
    confirm: (emoji, title, pictures, name, price) =>
      `${emoji} Photo shoot “${title}”: ${pictures} pictures with “${name}”.\n\nPrice: ${enPrice(price)}. They arrive as albums when ready.`,
    go: '📸 Start the shoot',
    busy: '⏳ A photo shoot is already running — please wait for it to finish.',
    noAvatar: '📸 A photo shoot needs a trained avatar. Create one with “➕ Create avatar” or pick one in “🎭 My avatars”.',
    off: '📸 Photo shoots are switched off.',
    more: '📸 Another shoot',
  },
  ideas: {
    title: (name) => `✨ Ideas for “${name}” — tap one and I will draw it:`,
    more: '🔄 Other ideas',
    names: {
      astronaut: '🚀 Astronaut on Mars',
      paris: '🗼 A walk in Paris',
      knight: '🛡 Medieval knight',
      business: '💼 Business headshot',
      cyberpunk: '🌃 Cyberpunk city at night',
      beach: '🏝 Tropical beach sunset',
      mountains: '🏔 Above the clouds',
      vintage: '🎞 1950s Hollywood',
      winter: '❄️ Winter forest',
      superhero: '🦸 Rooftop superhero',
      cafe: '☕ Morning in a café',
      anime: '🎌 Anime character',
      city: '🌆 City at dusk',
      forest: '🌲 Misty forest path',
      cat: '🐈 Cat on a windowsill',
      harbor: '⛵ Harbour at sunrise',
      portrait: '👒 Woman in a hat',
      still: '🍎 Still life with fruit',
      castle: '🏰 Castle above a river',
      space: '🌍 Astronaut above the Earth',
      market: '🧺 Fruit market',
      lighthouse: '🌊 Lighthouse in a storm',
    },
  },
  gen: {
    chooseFormat: (name) => `🖼 Choose the picture format for “${name}”:`,
    formats: { portrait: '📱 Portrait (3:4)', square: '🔲 Square (1:1)', story: '📺 Story (9:16)', cinema: '🎬 Cinema (16:9)' },
    askPrompt: (name) =>
      `✍️ Describe what to draw with “${name}” (up to 1000 characters).\n\n` +
      'For example: “in an astronaut suit on Mars, cinematic light”.',
    promptInvalid: (length) => `❌ The prompt must be text of 1 to 1000 characters${length > 0 ? ` — this one has ${length}` : ''}`,
    busy: '⏳ Please wait until the current picture is done — I will send it as soon as it is ready.',
    started: '🎨 Drawing… This usually takes up to a minute.',
    noMain: '🎨 Generating needs a trained avatar. Create one with “➕ Create avatar” or pick a ready one in “🎭 My avatars”.',
    notTrained: (name) => `⏳ “${name}” is not ready yet: it has to be trained first.`,
    noModel: (name) => `❌ “${name}” has no trained model. Please train it again.`,
    done: (name) => `🎨 Done! Avatar “${name}”`,
    again: '🔁 Again',
    variation: '🔁 Variation',
    ideas: '✨ Ideas',
    prompt: '📝 Prompt',
    promptShown: (prompt, english) => `📝 Your prompt:\n\n${prompt}${english ? `\n\n🇬🇧 Prompt for the model:\n\n${english}` : ''}`,
    promptPrice: (name, prompt, price, balance) =>
      `🎨 Draw “${prompt}” with “${name}”?\n\nIt costs ${price} ⭐; your balance is ${balance} ⭐. I will not ask again in this conversation.`,
    drawFor: (price) => `🎨 Draw for ${price} ⭐`,
    dontDraw: '✖️ Don’t draw',
    notDrawn: 'OK, not drawing it. Nothing was charged.',
    promptRefused:
      '🚫 I won’t draw that: explicit scenes with a real person, anything like that involving children, and anything illegal are off limits. Please describe the picture another way. Nothing was charged.',
    failed: (code) =>
      code === 'nsfw'
        ? '🔞 The picture did not pass the safety check. Try changing the prompt.'
        : `❌ Could not draw the picture: ${enGenFailure[code]}. Please try again.`,
  },
};
