import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { avatarPhotos, avatars, users } from '../src/db/schema.js';
import { setWizardState } from '../src/domain/wizard-state.js';
import { jpegHead } from '../test/support/fixtures/images.js';
import { report, SECRET, startApp } from './support.js';

/** 40 photos of 19 MB sent at once (a burst of albums): downloads stream to disk, a few at a time. */
export async function uploadMemory(adminUrl: string, dataDir: string) {
  const section = '6 parallel uploads';
  const env = await startApp(adminUrl, 'bench_uploads', dataDir, { MAX_PHOTOS: '100' });
  const from = { id: 4242, is_bot: false, first_name: 'Upload', language_code: 'ru' };
  const post = (update: unknown) =>
    fetch(`${env.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
  const message = (n: number, content: object) => ({
    update_id: 5_000_000 + n,
    message: { message_id: n, date: 1_790_000_000, chat: { id: from.id, type: 'private', first_name: 'Upload' }, from, ...content },
  });
  await post(message(0, { text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }));
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, from.id));
  const [avatar] = await env.deps.db.insert(avatars).values({ userId: user!.id, name: 'Bench', trainingType: 'portrait' }).returning();
  await setWizardState(env.deps.db, from.id, { step: 'upload_photos', avatarId: avatar!.id, progressMessageId: null });
  const PHOTO_BYTES = 19 * 1024 * 1024;
  for (let i = 0; i < 40; i++) {
    const head = jpegHead(1024, 1024, `bench-${i}`, 16);
    env.telegram.addFile(`big-${i}`, Buffer.concat([head, randomBytes(PHOTO_BYTES - head.length)]));
  }
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      post(message(i + 1, { document: { file_id: `big-${i}`, file_unique_id: `u${i}`, file_name: 'p.jpg', mime_type: 'image/jpeg' } })),
    ),
  );
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const [stored] = await env.deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(avatarPhotos)
    .where(eq(avatarPhotos.avatarId, avatar!.id));
  report(
    section,
    '40 × 19 MB photos, all at once',
    `${ms.toFixed(0)} ms`,
    `${stored?.n} stored, ${answers.filter((a) => a.ok).length} answered 200`,
  );
  report(section, 'peak RSS growth', `${((peak - baseline) / 1024 / 1024).toFixed(0)} MB`, 'target < 128 MB');
  await env.close();
}
