import { eq } from 'drizzle-orm';
import { avatarPhotos, avatars, generations, users } from '../../src/db/schema.js';
import { jpeg } from './fixtures/images.js';
import { type From, postUpdate, type TestEnv, textUpdate } from './helper.js';

/** Rows and files put straight into the database and storage, for tests about what users do with existing avatars. */

type Status = typeof avatars.$inferSelect.status;

/** A user as the bot knows them after /start. */
export async function userOf(env: TestEnv, from: From) {
  await postUpdate(env.app, textUpdate('/start', from));
  const [user] = await env.deps.db.select().from(users).where(eq(users.telegramId, from.id));
  return user!;
}

/** An avatar in a given state, with stored photos and (for completed ones) a generated picture. */
export async function seedAvatar(env: TestEnv, userId: number, name: string, status: Status, createdAt: Date) {
  const base = `${env.fal.url}/queue.fal.run/fal-ai/flux-lora-portrait-trainer/requests/req-${name}`;
  const [avatar] = await env.deps.db
    .insert(avatars)
    .values({
      userId,
      name,
      trainingType: 'portrait',
      gender: 'female',
      status,
      createdAt,
      triggerPhrase: 'TOK_0000abcd',
      ...(status === 'completed' ? { diffusersLoraFileUrl: 'https://v3.fal.media/files/x/lora.safetensors' } : {}),
      ...(status === 'training'
        ? {
            falRequestId: `req-${name}`,
            falStatusUrl: `${base}/status`,
            falResponseUrl: base,
            falCancelUrl: `${base}/cancel`,
            trainingStartedAt: new Date(),
          }
        : {}),
    })
    .returning();
  for (let i = 0; i < 2; i++) {
    const key = `avatars/${avatar!.id}/photos/${name}-${i}.jpg`;
    const bytes = await jpeg(1024, 1024, `${name}-${i}`);
    await env.deps.storage.put(key, bytes);
    await env.deps.db.insert(avatarPhotos).values({
      avatarId: avatar!.id,
      storageKey: key,
      telegramFileId: `file-${name}-${i}`,
      sha256: `${name}-${i}`.padEnd(64, '0'),
      sizeBytes: bytes.length,
      width: 1024,
      height: 1024,
      format: 'jpeg',
      position: i + 1,
    });
  }
  if (status === 'completed') {
    const key = `avatars/${avatar!.id}/generations/g1/1.jpg`;
    await env.deps.storage.put(key, await jpeg(1024, 768, `${name}-gen`));
    await env.deps.db.insert(generations).values({
      avatarId: avatar!.id,
      userId,
      prompt: 'on a beach',
      fullPrompt: 'TOK_0000abcd woman, on a beach',
      modelId: 'fal-ai/flux-lora',
      format: 'portrait',
      status: 'completed',
      storageKeys: [key],
      imageUrls: ['https://v3.fal.media/files/x/1.jpg'],
    });
  }
  return avatar!;
}

/** A training in flight at FAL, as submit leaves it: the request id and, when given, the URLs FAL handed back. */
export async function trainingRow(
  db: TestEnv['deps']['db'],
  input: { userId: number; name: string; requestId: string; urls?: { status_url: string; response_url: string; cancel_url: string } },
) {
  const [avatar] = await db
    .insert(avatars)
    .values({
      userId: input.userId,
      name: input.name,
      trainingType: 'portrait',
      status: 'training',
      triggerPhrase: 'TOK_1',
      falRequestId: input.requestId,
      falStatusUrl: input.urls?.status_url,
      falResponseUrl: input.urls?.response_url,
      falCancelUrl: input.urls?.cancel_url,
      trainingStartedAt: new Date(),
    })
    .returning();
  return avatar!;
}
