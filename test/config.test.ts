import { readFile } from 'node:fs/promises';
import t from 'tap';
import { ConfigError, loadConfig, SETTING_NAMES } from '../src/config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

t.test('defaults need no variables at all', async (t) => {
  const config = loadConfig({});
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1', 'no token: the playground listens on this machine only');
  t.equal(loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc' }).host, '0.0.0.0');
  t.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0', 'unless HOST says otherwise');
  t.equal(config.publicUrl, 'http://localhost:3000');
  t.equal(config.databaseUrl, undefined, 'embedded PostgreSQL');
  t.equal(config.s3, undefined, 'files under DATA_DIR');
  t.equal(config.telegram.apiRoot, 'http://127.0.0.1:3000/__playground/', 'no token: the local playground');
  t.equal(loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc' }).telegram.apiRoot, 'https://api.telegram.org/');
  t.same(config.fal.simulator, { trainingSeconds: 20, failureRate: 0, webhookDropRate: 0 }, 'no FAL_KEY: FAL is simulated');
  t.equal(config.fal.baseUrl, 'http://127.0.0.1:3000/__fal');
  t.equal(config.fal.webhookJwksUrl, 'http://127.0.0.1:3000/__fal/.well-known/jwks.json');
  t.equal(config.fal.models.portraitTrainer, 'fal-ai/flux-lora-portrait-trainer');
  t.equal(config.fal.models.styleTrainer, 'fal-ai/flux-lora-fast-training');
  t.match(config.telegram.webhookSecret, /^[\w-]{32}$/, 'a random webhook secret when none is configured');
  t.not(loadConfig({}).telegram.webhookSecret, config.telegram.webhookSecret);
});

t.test('Stars are off while both prices are 0; packs are sorted and deduplicated', async (t) => {
  const free = loadConfig({});
  t.equal(free.billing.enabled, false);
  t.same(free.billing.packs, [100, 300, 1000]);
  t.same(free.limits, { avatarsPerUser: 10, trainingsInFlightPerUser: 1, trainingsPerDayPerUser: 50 }, 'the playground: 50 a day');
  t.equal(free.sets.shootsPerDay, 50);
  const real = loadConfig({ FAL_KEY: 'k' });
  t.same(real.limits, { avatarsPerUser: 10, trainingsInFlightPerUser: 1, trainingsPerDayPerUser: 3 }, 'a real FAL: 3 a day');
  t.equal(real.sets.shootsPerDay, 5);
  t.equal(loadConfig({ MAX_TRAININGS_PER_DAY_PER_USER: '2' }).limits.trainingsPerDayPerUser, 2, 'a set limit is kept, simulated or not');
  const paid = loadConfig({ PRICE_GENERATION: '5', STAR_PACKS: '500, 50,500' });
  t.equal(paid.billing.enabled, true);
  t.same(paid.billing.packs, [50, 500]);
  const production = {
    NODE_ENV: 'production',
    INTERNAL_API_TOKEN: 'x'.repeat(16),
    FAL_KEY: 'k',
    TELEGRAM_BOT_TOKEN: '1:a',
    TELEGRAM_WEBHOOK_SECRET: 's',
  };
  t.same(problems({ ...production, PRICE_TRAINING: '100' }), [
    'SUPPORT_CONTACT is required when prices are set in production (/paysupport must name someone)',
  ]);
  t.same(problems({ ...production, PRICE_TRAINING: '100', SUPPORT_CONTACT: '@help' }), []);
});

t.test('PUBLIC_URL follows PORT and loses a trailing slash', async (t) => {
  t.equal(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
  t.equal(loadConfig({ PUBLIC_URL: 'https://bot.example.com/' }).publicUrl, 'https://bot.example.com');
});

t.test('empty values count as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '', PORT: ' ' }).port, 3000);
});

t.test('each bad value names its variable', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /^PORT must be a whole number/],
    [{ PORT: '70000' }, /^PORT must be 1-65535/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /^DATABASE_URL must be a postgres:\/\/ URL/],
    [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL must be an http\(s\) URL/],
    [{ TELEGRAM_BOT_TOKEN: 'nope' }, /^TELEGRAM_BOT_TOKEN must look like/],
    [{ TELEGRAM_WEBHOOK_SECRET: 'has spaces in it' }, /^TELEGRAM_WEBHOOK_SECRET must be 1-256 characters/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    [{ INTERNAL_API_TOKEN: 'short' }, /^INTERNAL_API_TOKEN must be at least 16 characters/],
    [{ S3_FORCE_PATH_STYLE: 'maybe' }, /^S3_FORCE_PATH_STYLE must be true or false/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV /],
    [{ PRICE_TRAINING: '-5' }, /^PRICE_TRAINING must be 0 \(free\) or more Stars/],
    [{ PRICE_GENERATION: '20000' }, /^PRICE_GENERATION must be at most 10000 Stars/],
    [{ STAR_PACKS: '100, lots' }, /^STAR_PACKS must be amounts of Stars separated by commas/],
    [{ STAR_PACKS: '0,100' }, /^STAR_PACKS each pack must be 1-10000 Stars/],
    [{ MAX_AVATARS_PER_USER: '0' }, /^MAX_AVATARS_PER_USER /],
    // BFL ended its finetuning API; FAL removed the endpoint (2025-12). Its old finetune ids still draw.
    [
      { FAL_PORTRAIT_TRAINER: 'fal-ai/flux-pro-trainer' },
      /^FAL_PORTRAIT_TRAINER fal-ai\/flux-pro-trainer is gone .*flux-lora-portrait-trainer/,
    ],
    [{ FAL_STYLE_TRAINER: 'fal-ai/flux-pro-trainer' }, /^FAL_STYLE_TRAINER fal-ai\/flux-pro-trainer is gone/],
  ];
  for (const [env, expected] of cases) {
    const found = problems(env);
    t.equal(found.length, 1, JSON.stringify(env));
    t.match(found[0], expected);
  }
});

t.test('several bad values are reported together', async (t) => {
  const found = problems({ PORT: 'x', LOG_LEVEL: 'y' });
  t.equal(found.length, 2);
  t.match(new ConfigError(found).message, /Invalid configuration:\n {2}- PORT .*\n {2}- LOG_LEVEL/);
});

t.test('production requires the internal token, a FAL key, and the webhook secret when a bot token is set', async (t) => {
  t.same(problems({ NODE_ENV: 'production' }), [
    'INTERNAL_API_TOKEN is required when NODE_ENV=production',
    'FAL_KEY is required when NODE_ENV=production (without it FAL is simulated)',
    'TELEGRAM_BOT_TOKEN is required when NODE_ENV=production (without it anyone could use the local playground and your FAL key)',
  ]);
  t.same(problems({ NODE_ENV: 'production', FAL_KEY: 'k', INTERNAL_API_TOKEN: 'x'.repeat(32), TELEGRAM_BOT_TOKEN: '1:abc' }), [
    'TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_BOT_TOKEN is set in production',
  ]);
  t.same(
    problems({
      NODE_ENV: 'production',
      FAL_KEY: 'k',
      INTERNAL_API_TOKEN: 'x'.repeat(32),
      TELEGRAM_BOT_TOKEN: '1:abc',
      TELEGRAM_WEBHOOK_SECRET: 's3cret',
    }),
    [],
  );
  t.same(problems({ NODE_ENV: 'development', TELEGRAM_BOT_TOKEN: '1:abc' }), [], 'outside production a random secret is used');
});

t.test('S3 storage needs a bucket and credentials', async (t) => {
  t.same(
    problems({ S3_ENDPOINT: 'http://minio:9000' })
      .map((p) => p.split(' ')[0])
      .sort(),
    ['S3_ACCESS_KEY_ID', 'S3_BUCKET', 'S3_SECRET_ACCESS_KEY'],
  );
  const config = loadConfig({
    S3_ENDPOINT: 'http://minio:9000',
    S3_BUCKET: 'avatars',
    S3_ACCESS_KEY_ID: 'a',
    S3_SECRET_ACCESS_KEY: 'b',
    S3_FORCE_PATH_STYLE: 'false',
  });
  t.same(config.s3, {
    endpoint: 'http://minio:9000',
    bucket: 'avatars',
    region: 'us-east-1',
    accessKeyId: 'a',
    secretAccessKey: 'b',
    forcePathStyle: false,
  });
});

t.test('every setting is documented in .env.example and in the README’s configuration table', async (t) => {
  const envExample = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const tableRows = table.split('\n').filter((line) => line.startsWith('| `'));
  t.ok(SETTING_NAMES.length > 30, 'the schema’s names are read');
  for (const name of SETTING_NAMES) {
    t.match(envExample, new RegExp(`^#? ?${name}=`, 'm'), `${name} in .env.example`);
    t.ok(
      tableRows.some((row) => row.split('|')[1]?.includes(`\`${name}\``)),
      `${name} in the README table`,
    );
  }
});
