import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Every setting is validated once at start-up;
 * a bad value stops the process with a message that names the variable.
 */

const FAL_JWKS_URL = 'https://rest.fal.ai/.well-known/jwks.json';
const TELEGRAM_API = 'https://api.telegram.org';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z.string().trim().min(1).optional();
const matching = (pattern: RegExp, error: string) => z.string().trim().regex(pattern, error).optional();
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const integer = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number');
const port = integer.min(1, 'must be 1-65535').max(65535, 'must be 1-65535');
/** Telegram takes 1-10000 Stars in one invoice. */
const MAX_INVOICE_STARS = 10_000;
const PLAYGROUND_PER_DAY = 50; // per-day trainings and shoots unless set, with FAL simulated: nothing is paid, trying takes runs
const stars = integer.min(0, 'must be 0 (free) or more Stars').max(MAX_INVOICE_STARS, `must be at most ${MAX_INVOICE_STARS} Stars`);
/** A LoRA trainer on FAL. The pro trainer left FAL when BFL ended its finetuning API; avatars it trained still draw. */
const trainer = z
  .string()
  .trim()
  .min(1)
  .refine(
    (model) => !model.startsWith('fal-ai/flux-pro-trainer'),
    'fal-ai/flux-pro-trainer is gone (BFL ended its finetuning API; FAL removed it in December 2025): use ' +
      'fal-ai/flux-lora-portrait-trainer or fal-ai/flux-lora-fast-training. Avatars it trained still draw with FAL_FINETUNE_GENERATOR',
  );
const onOff = z.enum(['on', 'off'], { error: 'must be on or off' }).transform((v) => v === 'on');
const PREVIEW_MODELS = ['fal-ai/flux-pulid', 'fal-ai/nano-banana/edit'] as const;
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3000),
    HOST: z.string().trim().min(1).optional(),
    PUBLIC_URL: url.optional(),
    DATA_DIR: z.string().trim().min(1).default('./.data'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
    S3_ENDPOINT: url.optional(),
    S3_BUCKET: optionalString,
    S3_REGION: z.string().trim().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    S3_FORCE_PATH_STYLE: bool.default(true),
    TELEGRAM_BOT_TOKEN: matching(/^\d+:[\w-]+$/, 'must look like 123456:ABC-token'),
    TELEGRAM_WEBHOOK_SECRET: matching(/^[\w-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -'),
    TELEGRAM_API_ROOT: url.optional(),
    UPDATE_LEASE_SECONDS: integer.min(2).max(600).default(60),
    FAL_KEY: optionalString,
    FAL_BASE_URL: url.optional(),
    FAL_WEBHOOK_JWKS_URL: url.optional(),
    SIMULATED_TRAINING_SECONDS: integer.min(0).max(3600).default(20),
    SIMULATED_FAILURE_RATE: z.coerce.number({ error: 'must be a number' }).min(0).max(1).default(0),
    SIMULATED_WEBHOOK_DROP_RATE: z.coerce.number({ error: 'must be a number' }).min(0).max(1).default(0),
    FAL_PORTRAIT_TRAINER: trainer.default('fal-ai/flux-lora-portrait-trainer'),
    FAL_STYLE_TRAINER: trainer.default('fal-ai/flux-lora-fast-training'),
    FAL_LORA_GENERATOR: z.string().trim().min(1).default('fal-ai/flux-lora'),
    FAL_FINETUNE_GENERATOR: z.string().trim().min(1).default('fal-ai/flux-pro/v1.1-ultra-finetuned'),
    TRAINING_PRESET: z.enum(['fast', 'balanced', 'quality']).default('balanced'),
    MIN_PHOTOS: integer.min(1).max(100).default(10),
    MAX_PHOTOS: integer.min(1).max(100).default(20),
    MAX_PHOTO_BYTES: integer
      .min(1024)
      .max(20 * 1024 * 1024, 'must be at most 20 MB (the Bot API download limit)')
      .default(20 * 1024 * 1024),
    MIN_PHOTO_SIDE: integer.min(1).default(512),
    TRAINING_PHOTO_MAX_SIDE: integer.min(256).max(4096).default(1536),
    PHOTO_MIN_BRIGHTNESS: z.coerce.number({ error: 'must be a number' }).min(0).max(255).default(20),
    PHOTO_MIN_CONTRAST: z.coerce.number({ error: 'must be a number' }).min(0).max(128).default(6),
    PHOTO_MIN_SHARPNESS: z.coerce.number({ error: 'must be a number' }).min(0).default(8),
    FACE_CHECK: onOff.default(true),
    FACE_MIN_SIZE: z.coerce.number({ error: 'must be a number' }).min(0).max(1).default(0.15),
    FACE_MATCH_DISTANCE: z.coerce.number({ error: 'must be a number' }).min(0.1).max(2).default(0.6),
    PROMPT_ASSISTANT: onOff.default(true),
    PROMPT_MODEL: z.string().trim().min(1).default('google/gemini-2.5-flash-lite'),
    PROMPT_TIMEOUT_MS: integer.min(500).max(30_000).default(5000),
    PREVIEW_MODEL: z.enum(PREVIEW_MODELS, { error: `must be one of ${PREVIEW_MODELS.join(', ')}` }).default(PREVIEW_MODELS[0]),
    PREVIEW_PICTURES: integer.min(0).max(4).default(2),
    WELCOME_PICTURES: integer.min(0).max(10).default(4),
    MAX_SHOOTS_PER_DAY_PER_USER: integer.min(0).max(100).optional(),
    TRAINING_TIMEOUT_MINUTES: integer.min(1).default(180),
    SUBMIT_STUCK_MINUTES: integer.min(1).default(10),
    CHECK_STATUS_BUDGET_MS: integer.min(1000).max(300_000).default(20_000),
    GENERATION_LORA_SCALE: z.coerce.number({ error: 'must be a number' }).min(0).max(2).default(1.1),
    GENERATION_FINETUNE_STRENGTH: z.coerce.number({ error: 'must be a number' }).min(0).max(2).default(1),
    MAX_RUNNING_GENERATIONS: integer.min(1).max(10).default(1),
    MAX_AVATARS_PER_USER: integer.min(1).max(1000).default(10),
    MAX_TRAININGS_IN_FLIGHT_PER_USER: integer.min(1).max(100).default(1),
    MAX_TRAININGS_PER_DAY_PER_USER: integer.min(1).max(1000).optional(),
    PRICE_TRAINING: stars.default(0),
    PRICE_GENERATION: stars.default(0),
    PRICE_SHOOT: stars.default(0),
    FREE_CREDITS: integer.min(0).max(1_000_000).default(0),
    STAR_PACKS: z
      .string()
      .trim()
      .regex(/^\d+(\s*,\s*\d+)*$/, 'must be amounts of Stars separated by commas, e.g. 100,300,1000')
      .transform((v) => [...new Set(v.split(',').map(Number))].sort((a, b) => a - b))
      .refine((packs) => packs.every((n) => n >= 1 && n <= MAX_INVOICE_STARS), `each pack must be 1-${MAX_INVOICE_STARS} Stars`)
      .default([100, 300, 1000]),
    SUPPORT_CONTACT: optionalString,
    SUPPORT_CHAT_ID: z.coerce.number({ error: 'must be a Telegram chat id' }).int('must be a Telegram chat id').optional(),
    INTERNAL_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    BODY_LIMIT_BYTES: integer
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(1024 * 1024),
    SHUTDOWN_TIMEOUT_MS: integer.min(0).default(10_000),
  })
  .superRefine((env, ctx) => {
    const require = (name: keyof typeof env, why: string) => {
      if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required ${why}` });
    };
    if (env.NODE_ENV === 'production') {
      require('INTERNAL_API_TOKEN', 'when NODE_ENV=production');
      require('FAL_KEY', 'when NODE_ENV=production (without it FAL is simulated)');
      require('TELEGRAM_BOT_TOKEN', 'when NODE_ENV=production (without it anyone could use the local playground and your FAL key)');
      if (env.TELEGRAM_BOT_TOKEN) require('TELEGRAM_WEBHOOK_SECRET', 'when TELEGRAM_BOT_TOKEN is set in production');
    }
    if (env.NODE_ENV === 'production' && (env.PRICE_TRAINING > 0 || env.PRICE_GENERATION > 0 || env.PRICE_SHOOT > 0)) {
      require('SUPPORT_CONTACT', 'when prices are set in production (/paysupport must name someone)');
    }
    if (env.MIN_PHOTOS > env.MAX_PHOTOS) {
      ctx.addIssue({ code: 'custom', path: ['MIN_PHOTOS'], message: `must not exceed MAX_PHOTOS (${env.MAX_PHOTOS})` });
    }
    if (env.S3_ENDPOINT || env.S3_BUCKET) {
      require('S3_BUCKET', 'when S3 storage is used');
      require('S3_ACCESS_KEY_ID', 'when S3 storage is used');
      require('S3_SECRET_ACCESS_KEY', 'when S3 storage is used');
    }
  });

/** Every environment variable the service reads: .env.example and the README's table list each (a test checks). */
export const SETTING_NAMES = Object.keys(envSchema.shape);

export type S3Config = {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
};

export type TrainingPresetName = z.infer<typeof envSchema>['TRAINING_PRESET'];

/** The service's settings, read once from the environment by loadConfig(). */
export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment (process.env by default). Throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  // An empty value in a .env file means "not set", not "set to nothing".
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`));
  }
  const e = parsed.data;
  const simulated = e.FAL_KEY === undefined;
  const playgroundApi = `http://127.0.0.1:${e.PORT}/__playground`;
  // The simulator answers on this process's own port; the app reaches it like any FAL_BASE_URL.
  const falBase = e.FAL_BASE_URL?.replace(/\/+$/, '') ?? (simulated ? `http://127.0.0.1:${e.PORT}/__fal` : undefined);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    // Without a token the playground serves anyone who reaches it: only this machine, unless HOST says otherwise.
    host: e.HOST ?? (e.TELEGRAM_BOT_TOKEN ? '0.0.0.0' : '127.0.0.1'),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    s3: e.S3_BUCKET
      ? ({
          endpoint: e.S3_ENDPOINT,
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? '',
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        } satisfies S3Config)
      : undefined,
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      /** The bot's id, the token's number part (0 for the playground): update ids are per bot. */
      botId: e.TELEGRAM_BOT_TOKEN ? Number(e.TELEGRAM_BOT_TOKEN.split(':')[0]) : 0,
      // Without a configured secret (local runs only) the webhook still needs one: a random one per process.
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET ?? randomBytes(24).toString('base64url'),
      /** False when webhookSecret was made up for this process because none is configured. */
      webhookSecretConfigured: e.TELEGRAM_WEBHOOK_SECRET !== undefined,
      // telegraf resolves `./bot<token>/<method>` against this: a path survives only with a trailing slash.
      apiRoot: `${(e.TELEGRAM_API_ROOT ?? (e.TELEGRAM_BOT_TOKEN ? TELEGRAM_API : playgroundApi)).replace(/\/+$/, '')}/`,
      /** No bot token: the bot talks to the local playground's Bot API instead of Telegram. */
      playground: e.TELEGRAM_BOT_TOKEN === undefined,
      /** How long a claimed update is held before a redelivery may handle it; renewed while its handler runs. */
      updateLeaseSeconds: e.UPDATE_LEASE_SECONDS,
    },
    fal: {
      key: e.FAL_KEY,
      baseUrl: falBase,
      webhookJwksUrl: e.FAL_WEBHOOK_JWKS_URL ?? (simulated ? `${falBase}/.well-known/jwks.json` : FAL_JWKS_URL),
      /** Set when FAL_KEY is not: FAL is simulated by this process under /__fal. */
      simulator: simulated
        ? {
            trainingSeconds: e.SIMULATED_TRAINING_SECONDS,
            failureRate: e.SIMULATED_FAILURE_RATE,
            webhookDropRate: e.SIMULATED_WEBHOOK_DROP_RATE,
          }
        : undefined,
      models: {
        portraitTrainer: e.FAL_PORTRAIT_TRAINER,
        styleTrainer: e.FAL_STYLE_TRAINER,
        loraGenerator: e.FAL_LORA_GENERATOR,
        finetuneGenerator: e.FAL_FINETUNE_GENERATOR,
      },
    },
    training: {
      preset: e.TRAINING_PRESET,
      minPhotos: e.MIN_PHOTOS,
      maxPhotos: e.MAX_PHOTOS,
      maxPhotoBytes: e.MAX_PHOTO_BYTES,
      minPhotoSide: e.MIN_PHOTO_SIDE,
      /** Photos are stored and zipped for FAL at most this long on their long side. */
      photoMaxSide: e.TRAINING_PHOTO_MAX_SIDE,
      /** Quality hints (0 turns one off): mean luminance 0-255, its deviation, the Laplacian's variance at 512 px. */
      photoQuality: { minBrightness: e.PHOTO_MIN_BRIGHTNESS, minContrast: e.PHOTO_MIN_CONTRAST, minSharpness: e.PHOTO_MIN_SHARPNESS },
      /** A training still running after this long is failed as timed out. */
      timeoutMs: e.TRAINING_TIMEOUT_MINUTES * 60_000,
      /** A `submitting` avatar this old was interrupted (a crash mid-submit). */
      submitStuckMs: e.SUBMIT_STUCK_MINUTES * 60_000,
    },
    /**
     * Faces, found and described offline (src/faces/): a portrait photo must show one face, at least
     * `minSize` of the short side, not cut off; two descriptors farther apart than `matchDistance`
     * are two people (and a generated picture that far is flagged). Off: no model is loaded.
     */
    faces: { check: e.FACE_CHECK, minSize: e.FACE_MIN_SIZE, matchDistance: e.FACE_MATCH_DISTANCE },
    /**
     * The prompt assistant (domain/prompts/): each prompt rewritten into English for FLUX by `model`
     * through FAL's `openrouter/router`; no answer within `timeoutMs` draws the user's own words.
     */
    prompts: { assistant: e.PROMPT_ASSISTANT, model: e.PROMPT_MODEL, timeoutMs: e.PROMPT_TIMEOUT_MS },
    /** Sets (domain/sets/): a training's preview (a zero-shot identity model), the welcome set, shoots. 0 turns one off. */
    sets: {
      previewModel: e.PREVIEW_MODEL,
      previewPictures: e.PREVIEW_PICTURES,
      welcomePictures: e.WELCOME_PICTURES,
      shootsPerDay: e.MAX_SHOOTS_PER_DAY_PER_USER ?? (simulated ? PLAYGROUND_PER_DAY : 5),
    },
    generation: {
      loraScale: e.GENERATION_LORA_SCALE,
      finetuneStrength: e.GENERATION_FINETUNE_STRENGTH,
      maxRunningPerUser: e.MAX_RUNNING_GENERATIONS,
    },
    /** What one user may do, paid or free: checked under the user's row lock. */
    limits: {
      avatarsPerUser: e.MAX_AVATARS_PER_USER,
      trainingsInFlightPerUser: e.MAX_TRAININGS_IN_FLIGHT_PER_USER,
      trainingsPerDayPerUser: e.MAX_TRAININGS_PER_DAY_PER_USER ?? (simulated ? PLAYGROUND_PER_DAY : 3),
    },
    /** Telegram Stars: off while both prices are 0. */
    billing: {
      enabled: e.PRICE_TRAINING > 0 || e.PRICE_GENERATION > 0 || e.PRICE_SHOOT > 0,
      priceTraining: e.PRICE_TRAINING,
      priceGeneration: e.PRICE_GENERATION,
      priceShoot: e.PRICE_SHOOT,
      /** Credited once to each user the first time their balance is needed. */
      freeCredits: e.FREE_CREDITS,
      /** The top-up amounts offered, in Stars, smallest first. */
      packs: e.STAR_PACKS,
      /** Who answers /paysupport (an @username, a link or an e-mail). */
      supportContact: e.SUPPORT_CONTACT,
      /** Where users' support messages are sent as they arrive (a group or the operator's chat). */
      supportChatId: e.SUPPORT_CHAT_ID,
    },
    /** How long one status check may run. */
    checkStatusBudgetMs: e.CHECK_STATUS_BUDGET_MS,
    internalApiToken: e.INTERNAL_API_TOKEN,
    /** Bearer token of GET /metrics: METRICS_TOKEN, else INTERNAL_API_TOKEN. */
    metricsToken: e.METRICS_TOKEN ?? e.INTERNAL_API_TOKEN,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
