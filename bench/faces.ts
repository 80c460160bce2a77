import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { avatarPhotos, avatars, users } from '../src/db/schema.js';
import { setWizardState } from '../src/domain/wizard-state.js';
import { createFaceDetector } from '../src/faces/face-detector.js';
import { cropFace, PERSON } from '../src/local/sample-faces.js';
import { deliverLikeTelegram } from '../test/support/fakes/telegram-api.js';
import { percentile, report, SECRET, startApp } from './support.js';

const MB = 1024 * 1024;

/** Photo `i` of the sample person as a phone takes it: 12 MP (3024 × 4032), a different framing each time. */
async function phonePhoto(i: number): Promise<Buffer> {
  const framing = { margin: 2.4 + (i % 10) * 0.09, dx: ((i % 7) - 3) * 0.03, dy: ((i % 5) - 2) * 0.03, flip: i % 2 === 1, light: 1 };
  return sharp(await cropFace(PERSON, framing))
    .resize(3024, 4032, { fit: 'fill' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * The face check: the models' memory, the whole accept path of a 12 MP photo
 * (download from the fake Bot API, decode, normalise, detect, describe, store),
 * an album sent as Telegram sends it, other users' /start meanwhile, and memory
 * over 200 scans.
 */
export async function faceCheck(adminUrl: string, dataDir: string) {
  const section = 'face check';
  global.gc?.();
  const before = process.memoryUsage().rss;
  const detector = createFaceDetector();
  const t0 = performance.now();
  await detector.warm();
  const loadMs = performance.now() - t0;
  global.gc?.();
  report(
    section,
    'models loaded (worker thread)',
    `${loadMs.toFixed(0)} ms`,
    `RSS +${((process.memoryUsage().rss - before) / MB).toFixed(0)} MB, target ≤ 250 MB`,
  );

  const env = await startApp(adminUrl, 'bench_faces', dataDir, { FACE_CHECK: 'on', MAX_PHOTOS: '100' });
  await env.deps.bot.telegram.getMe().catch(() => {});
  let update = 7_000_000;
  const chat = (id: number) => ({ id, is_bot: false, first_name: `U${id}`, language_code: 'ru' });
  const message = (from: ReturnType<typeof chat>, content: object) => ({
    update_id: update++,
    message: {
      message_id: update,
      date: 1_790_000_000,
      chat: { id: from.id, type: 'private', first_name: from.first_name },
      from,
      ...content,
    },
  });
  const post = async (body: unknown) => {
    const res = await fetch(`${env.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return { statusCode: res.status };
  };
  const start = (from: ReturnType<typeof chat>) =>
    post(message(from, { text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }));
  /** A user at the upload step of a new portrait avatar. */
  const uploader = async (id: number) => {
    const from = chat(id);
    await start(from);
    const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, id));
    const [avatar] = await env.deps.db
      .insert(avatars)
      .values({ userId: user!.id, name: `Faces ${id}`, trainingType: 'portrait' })
      .returning();
    await setWizardState(env.deps.db, id, { step: 'upload_photos', avatarId: avatar!.id, progressMessageId: null });
    return { from, avatarId: avatar!.id };
  };
  const photos = await Promise.all(Array.from({ length: 10 }, (_, i) => phonePhoto(i)));
  for (const [i, bytes] of photos.entries()) env.telegram.addFile(`phone-${i}`, bytes);
  const photoUpdate = (from: ReturnType<typeof chat>, i: number, album?: string) =>
    message(from, { photo: [{ file_id: `phone-${i}`, file_unique_id: `u${i}`, width: 3024, height: 4032 }], media_group_id: album });
  const stored = async (avatarId: string) =>
    (await env.deps.db.select({ n: sql<number>`count(*)::int` }).from(avatarPhotos).where(eq(avatarPhotos.avatarId, avatarId)))[0]?.n;

  // One photo at a time: each request is the whole accept path.
  const single = await uploader(9001);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await post(photoUpdate(single.from, i));
    times.push(performance.now() - t);
  }
  report(
    section,
    '12 MP photo accepted, p50 / p95',
    `${percentile(times, 50).toFixed(0)} / ${percentile(times, 95).toFixed(0)} ms`,
    `${await stored(single.avatarId)}/10 stored; target p50 ≤ 400 ms`,
  );

  // An album of ten as Telegram delivers it, while other users keep sending /start.
  const album = await uploader(9002);
  const others = Array.from({ length: 20 }, (_, i) => chat(9100 + i));
  for (const other of others) await start(other);
  let sending = true;
  const startTimes: number[] = [];
  const pinging = (async () => {
    for (let n = 0; sending; n++) {
      const t = performance.now();
      await start(others[n % others.length]!);
      startTimes.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const t1 = performance.now();
  await deliverLikeTelegram(
    photos.map((_, i) => photoUpdate(album.from, i, 'bench-album')),
    post,
  );
  const albumMs = performance.now() - t1;
  sending = false;
  await pinging;
  report(
    section,
    'album of 10 × 12 MP, one at a time',
    `${albumMs.toFixed(0)} ms`,
    `${await stored(album.avatarId)}/10 stored; target ≤ 6000 ms`,
  );
  report(
    section,
    'other users’ /start meanwhile, p50 / p99',
    `${percentile(startTimes, 50).toFixed(1)} / ${percentile(startTimes, 99).toFixed(1)} ms`,
    `${startTimes.length} requests; target p99 < 100 ms`,
  );
  await env.close();

  // 200 scans: memory after the first 50 and after all.
  const pictures = await Promise.all(photos.map((p) => sharp(p).resize(1536, 1536, { fit: 'inside' }).jpeg().toBuffer()));
  let after50 = 0;
  for (let i = 0; i < 200; i++) {
    await detector.scan(pictures[i % pictures.length]!);
    if (i === 49) {
      global.gc?.();
      after50 = process.memoryUsage().rss;
    }
  }
  global.gc?.();
  const growth = (process.memoryUsage().rss - after50) / MB;
  report(section, 'RSS growth from scan 50 to scan 200', `${growth.toFixed(0)} MB`, 'target ≈ 0: nothing kept per photo');
  await detector.close();
}
