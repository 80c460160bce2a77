import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/** Where a running training stands at FAL: queued (with its place) or running (with its latest log line). */
export type TrainingProgress = { phase: 'queued' | 'running'; queuePosition: number | null; log: string | null; checkedAt: string };

export const trainingType = pgEnum('training_type', ['portrait', 'style']);
export const gender = pgEnum('gender', ['male', 'female']);
export const avatarStatus = pgEnum('avatar_status', [
  'draft',
  'photos_uploading',
  'ready',
  'submitting',
  'training',
  'completed',
  'failed',
  'cancelled',
]);
export const generationStatus = pgEnum('generation_status', ['pending', 'running', 'completed', 'failed']);

export const users = pgTable('users', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  telegramId: bigint('telegram_id', { mode: 'number' }).notNull().unique(),
  chatId: bigint('chat_id', { mode: 'number' }).notNull(),
  firstName: text('first_name'),
  lastName: text('last_name'),
  username: text('username'),
  languageCode: text('language_code'),
  /** The picture format chosen last time, offered first next time. */
  generationFormat: text('generation_format'),
  /** When the user last agreed to a typed prompt's price: asked again only in a later conversation (30 minutes on). */
  promptPriceAgreedAt: timestamp('prompt_price_agreed_at', { withTimezone: true }),
  mainAvatarId: uuid('main_avatar_id').references((): AnyPgColumn => avatars.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const avatars = pgTable(
  'avatars',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    trainingType: trainingType('training_type').notNull(),
    gender: gender('gender'),
    status: avatarStatus('status').notNull().default('draft'),
    triggerPhrase: text('trigger_phrase'),
    /** A random key per submit attempt, carried in the webhook URL: finds a job whose submit answer was lost. */
    submitKey: text('submit_key').unique(),
    falRequestId: text('fal_request_id').unique(),
    falModelId: text('fal_model_id'),
    trainingPreset: text('training_preset'),
    falStatusUrl: text('fal_status_url'),
    falResponseUrl: text('fal_response_url'),
    falCancelUrl: text('fal_cancel_url'),
    trainingStartedAt: timestamp('training_started_at', { withTimezone: true }),
    /** When a status checker last took this training: its lease against a concurrent checker. */
    statusCheckedAt: timestamp('status_checked_at', { withTimezone: true }),
    /** Status checks that got no usable answer from FAL, or could not store it; past a few the training fails. */
    checkFailures: integer('check_failures').notNull().default(0),
    /** The user stopped the training and FAL took the cancel; it may still finish (and keep its result). */
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    /** How far FAL is with the training, as the status checker last saw it (the gallery card shows it). */
    falProgress: jsonb('fal_progress').$type<TrainingProgress>(),
    trainingFinishedAt: timestamp('training_finished_at', { withTimezone: true }),
    diffusersLoraFileUrl: text('diffusers_lora_file_url'),
    configFileUrl: text('config_file_url'),
    /** Our copy of the LoRA in storage: FAL deletes CDN files when their retention ends. */
    loraStorageKey: text('lora_storage_key'),
    /** When the LoRA URL last answered (or was replaced by an upload of our copy). */
    loraCheckedAt: timestamp('lora_checked_at', { withTimezone: true }),
    finetuneId: text('finetune_id'),
    falResponse: jsonb('fal_response'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('avatars_user_idx').on(t.userId, t.createdAt),
    // The status checker reads only in-flight avatars: its cost follows them, not the table.
    index('avatars_in_flight_idx').on(t.status, t.trainingStartedAt).where(sql`${t.status} in ('submitting', 'training')`),
  ],
);

export const avatarPhotos = pgTable(
  'avatar_photos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    avatarId: uuid('avatar_id')
      .notNull()
      .references(() => avatars.id, { onDelete: 'cascade' }),
    storageKey: text('storage_key').notNull(),
    /** Telegram's id of the uploaded file: shows the photo again without re-uploading it. */
    telegramFileId: text('telegram_file_id'),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** The stored file's format: JPEG since photos are normalised (older rows keep what was sent). */
    format: text('format').notNull(),
    /** The normalised picture's difference hash: the same picture re-encoded or resized is a duplicate. */
    fingerprint: text('fingerprint'),
    /** A small JPEG for the gallery, made once at upload. */
    thumbnailKey: text('thumbnail_key'),
    position: integer('position').notNull(),
    /** The face's 128-d descriptor (face-api), for photos of a portrait avatar checked for a face. */
    faceDescriptor: real('face_descriptor').array(),
    /**
     * ok: one person with the others; flagged: looks like someone else, the user has not said yet
     * (the training cannot start); kept: flagged, and the user said it is them. Null: not checked.
     */
    faceStatus: text('face_status').$type<'ok' | 'flagged' | 'kept'>(),
    /** The face's size, its box's longer side over the photo's short side: the preview draws from the largest. */
    faceSize: real('face_size'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('avatar_photos_sha256_idx').on(t.avatarId, t.sha256)],
);

export const generations = pgTable(
  'generations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    avatarId: uuid('avatar_id')
      .notNull()
      .references(() => avatars.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The user's own words (or the idea's title). */
    prompt: text('prompt').notNull(),
    /** The English prompt the assistant wrote for FLUX (domain/prompts/), trigger not included; null when the user's words were drawn. */
    englishPrompt: text('english_prompt'),
    /** What was sent: the English prompt (else the user's words) with the avatar's trigger. */
    fullPrompt: text('full_prompt').notNull(),
    modelId: text('model_id').notNull(),
    falRequestId: text('fal_request_id').unique(),
    submitKey: text('submit_key').unique(),
    falStatusUrl: text('fal_status_url'),
    falResponseUrl: text('fal_response_url'),
    format: text('format').notNull(),
    status: generationStatus('status').notNull().default('pending'),
    imageUrls: jsonb('image_urls').$type<string[]>().notNull().default([]),
    storageKeys: jsonb('storage_keys').$type<string[]>().notNull().default([]),
    /** FAL's seeds go past 2^63 (`17454220438242315174`): kept as an exact decimal. */
    seed: numeric('seed', { precision: 20, scale: 0 }),
    error: text('error'),
    statusCheckedAt: timestamp('status_checked_at', { withTimezone: true }),
    checkFailures: integer('check_failures').notNull().default(0),
    /**
     * How much the picture's face looks like the avatar's photos, 0–100 (domain/faces.ts); null when
     * not measured or no face was found, which `likenessStatus` tells apart.
     */
    likeness: real('likeness'),
    likenessStatus: text('likeness_status').$type<'measured' | 'no_face'>(),
    /** The "Генерирую…" message: removed once the picture (or the failure) is sent. */
    progressMessageId: bigint('progress_message_id', { mode: 'number' }),
    /** One picture of a set (a preview, the welcome set, a photo shoot): told about with its set, not alone. */
    setId: uuid('set_id').references((): AnyPgColumn => pictureSets.id, { onDelete: 'cascade' }),
    setPosition: integer('set_position'),
    /** A preview's reference photo, uploaded to FAL: a zero-shot identity model draws the face from it. */
    referenceUrl: text('reference_url'),
    /** When a set picture's submit was claimed: a set's pictures are submitted once, by whoever claims them. */
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    /** The user's 👍 (1) or 👎 (-1) of a shoot's picture. */
    vote: integer('vote'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('generations_avatar_idx').on(t.avatarId, t.createdAt),
    index('generations_set_idx').on(t.setId, t.setPosition),
    index('generations_in_flight_idx').on(t.userId).where(sql`${t.status} in ('pending', 'running')`),
  ],
);

/** Stored files a deletion could not remove yet; the status checker retries them. */
export const storageDeletions = pgTable('storage_deletions', {
  prefix: text('prefix').primaryKey(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  createdAt: createdAt(),
});

/** Transactional outbox: a state change and the message it causes are written together. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** The Telegram message that delivered it. */
    sentMessageId: bigint('sent_message_id', { mode: 'number' }),
    deadAt: timestamp('dead_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_pending_idx').on(t.nextAttemptAt).where(sql`${t.sentAt} is null and ${t.deadAt} is null`)],
);

/** Per-chat wizard state, so a restart mid-conversation loses nothing. */
export const botState = pgTable('bot_state', {
  chatId: bigint('chat_id', { mode: 'number' }).primaryKey(),
  step: text('step').notNull(),
  avatarId: uuid('avatar_id').references(() => avatars.id, { onDelete: 'set null' }),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: updatedAt(),
});

/**
 * Telegram redelivers updates it thinks were not answered; each update is handled
 * once. A claim is a lease until the handler finishes (doneAt): a process that
 * dies mid-update leaves a lease that runs out, and the redelivery is handled.
 * Keyed by bot too: update ids are per bot (and the playground's restart).
 */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    botId: bigint('bot_id', { mode: 'number' }).notNull().default(0),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.botId, t.updateId] }), index('processed_updates_processed_at_idx').on(t.processedAt)],
);

/** Every verified FAL webhook, stored before it is acknowledged, keyed by the submit request id. */
export const falWebhookEvents = pgTable(
  'fal_webhook_events',
  {
    requestId: text('request_id').primaryKey(),
    gatewayRequestId: text('gateway_request_id'),
    /** The submit attempt named in the webhook URL, when there was one. */
    submitKey: text('submit_key'),
    status: text('status').notNull(),
    body: jsonb('body').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    /** Failed attempts to apply it; after a few it is given up (failedAt) and the user told. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    failedAt: timestamp('failed_at', { withTimezone: true }),
  },
  (t) => [index('fal_webhook_events_pending_idx').on(t.receivedAt).where(sql`${t.appliedAt} is null and ${t.failedAt} is null`)],
);

/**
 * Every change of a user's Stars balance: the balance is their sum. The key
 * names what caused it (`payment:<charge id>`, `training:<submit key>`,
 * `refund:generation:<id>`, …), so a change happens once however often the
 * update or webhook behind it is redelivered.
 */
export const balanceEntries = pgTable(
  'balance_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull().unique(),
    kind: text('kind').notNull(),
    /** Stars: positive in, negative out. */
    amount: integer('amount').notNull(),
    /** What it was for, as /balance shows it (an avatar's name: the avatar may be deleted since). */
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [index('balance_entries_user_idx').on(t.userId, t.createdAt)],
);

/** A top-up the bot offered: an invoice's payload names it, with what the user was doing when the price stopped them. */
export const starOffers = pgTable('star_offers', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: bigint('user_id', { mode: 'number' })
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  resume: jsonb('resume').$type<Record<string, unknown>>(),
  /** Once the resume button was used: it starts what it names once. */
  resumedAt: timestamp('resumed_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Every successful Stars payment Telegram reported, credited or not: the operator's record of real money. */
export const starPayments = pgTable('star_payments', {
  chargeId: text('charge_id').primaryKey(),
  telegramUserId: bigint('telegram_user_id', { mode: 'number' }).notNull(),
  userId: bigint('user_id', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
  offerId: uuid('offer_id'),
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  payload: text('payload').notNull(),
  /** Why nothing was credited (an unknown offer, another amount, …); null when it was. */
  problem: text('problem'),
  refundedAt: timestamp('refunded_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * One row per training attempt (its submit key): the daily limit counts them.
 * An attempt FAL refused, failed or never started is released: its price is
 * refunded and it no longer counts.
 */
export const trainingRuns = pgTable(
  'training_runs',
  {
    submitKey: text('submit_key').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** No reference: deleting the avatar must not give the day's attempt back. */
    avatarId: uuid('avatar_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [index('training_runs_user_idx').on(t.userId, t.startedAt)],
);

/**
 * The prompt assistant's answers, kept: the same words for the same kind of
 * avatar are rewritten once, so "🔁 Ещё", a retry or a second user typing the
 * same thing cost no second model call. `key` is a hash of the model, the
 * avatar's type and gender, and the words.
 */
export const promptRewrites = pgTable('prompt_rewrites', {
  key: text('key').primaryKey(),
  /** `refused`: the model said the request is not allowed; `prompt` is then null. */
  verdict: text('verdict').$type<'rewritten' | 'refused'>().notNull(),
  prompt: text('prompt'),
  createdAt: createdAt(),
});

/**
 * Photo shoots for sale, seeded from `catalog/shoots.json` at start (domain/sets/catalog.ts):
 * a new shoot ships as a line in that file. A theme gone from the file is hidden, not deleted.
 */
export const shootThemes = pgTable('shoot_themes', {
  id: text('id').primaryKey(),
  emoji: text('emoji').notNull(),
  titleRu: text('title_ru').notNull(),
  titleEn: text('title_en').notNull(),
  avatarTypes: jsonb('avatar_types').$type<('portrait' | 'style')[]>().notNull(),
  /** Prompts without the trigger: one text, or its female and male variants. */
  prompts: jsonb('prompts').$type<(string | { female: string; male: string })[]>().notNull(),
  /** Sold in the catalogue; unlisted themes make the welcome set and the preview. */
  listed: boolean('listed').notNull().default(true),
  active: boolean('active').notNull().default(true),
  position: integer('position').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Pictures made and told about together: a training's preview, the welcome set
 * when it is ready, a photo shoot bought. Each picture is a generation with the
 * set's id; the set ends once all of them have, and is then sent as albums.
 */
export const pictureSets = pgTable(
  'picture_sets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    avatarId: uuid('avatar_id')
      .notNull()
      .references(() => avatars.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'preview' | 'welcome' | 'shoot'>().notNull(),
    themeId: text('theme_id'),
    /** Makes a set once: `preview:<training's submit key>`, `welcome:<…>`, `shoot:<tap's id>`. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    total: integer('total').notNull(),
    /** Stars taken for a shoot; failed pictures are refunded by their share when it ends. */
    price: integer('price').notNull().default(0),
    status: text('status').$type<'running' | 'done'>().notNull().default('running'),
    /** The shoot's "12/20 готово" message, edited in place. */
    progressMessageId: bigint('progress_message_id', { mode: 'number' }),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('picture_sets_user_idx').on(t.userId, t.createdAt)],
);

/**
 * What users wrote to support: a reply to /paysupport or to the help, or the
 * text after /paysupport. Kept for the operator (and sent to SUPPORT_CHAT_ID
 * when set); never drawn as a prompt.
 */
export const supportMessages = pgTable('support_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  userId: bigint('user_id', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
  chatId: bigint('chat_id', { mode: 'number' }).notNull(),
  /** The Telegram update it came in: a redelivery records nothing twice. */
  updateId: bigint('update_id', { mode: 'number' }).notNull().unique(),
  text: text('text').notNull(),
  forwardedAt: timestamp('forwarded_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * Gallery cards on screen: which message shows which avatar's card, so a card open while the avatar
 * trains is edited when the training ends (bot/card-refresh.ts). A press on a photo message forgets
 * it (the press may turn it into something else); showing a card remembers it again.
 */
export const shownCards = pgTable(
  'shown_cards',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    avatarId: uuid('avatar_id')
      .notNull()
      .references(() => avatars.id, { onDelete: 'cascade' }),
    shownAt: timestamp('shown_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.messageId] }), index('shown_cards_avatar_idx').on(t.avatarId)],
);
