import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { avatars } from '../../db/schema.js';
import type { FalFiles } from '../../fal/fal-files.js';
import type { Storage } from '../../storage/storage.js';
import type { Avatar } from '../avatars.js';

/**
 * Our own copy of every trained LoRA. FAL deletes CDN files when their
 * retention ends ("expired files are permanently deleted"): a paid avatar whose
 * only LoRA was FAL's URL could no longer draw. The status check copies the
 * LoRA (and its config) of each completed avatar into storage; before an avatar
 * draws, its LoRA URL is checked (once a day), and when FAL says it is gone our
 * copy is uploaded to FAL storage again and its new URL kept.
 */

export type LoraDeps = { db: Db; storage: Storage; falFiles: FalFiles; logger: Logger };

/** Flux LoRAs weigh tens to hundreds of megabytes; nothing a trainer makes comes near this. */
const MAX_LORA_BYTES = 2 * 1024 * 1024 * 1024;
const MAX_CONFIG_BYTES = 10 * 1024 * 1024;
const CHECK_EVERY_MS = 24 * 3600 * 1000;

const loraKey = (avatarId: string) => `avatars/${avatarId}/model/lora.safetensors`;
const configKey = (avatarId: string) => `avatars/${avatarId}/model/config.json`;

/** Copies the LoRA of up to `limit` completed avatars that have no copy yet; returns how many were copied. */
export async function copyLoras(deps: LoraDeps, limit: number): Promise<number> {
  const { db, storage, falFiles } = deps;
  const due = await db
    .select({ id: avatars.id, loraUrl: avatars.diffusersLoraFileUrl, configUrl: avatars.configFileUrl })
    .from(avatars)
    .where(and(eq(avatars.status, 'completed'), isNotNull(avatars.diffusersLoraFileUrl), isNull(avatars.loraStorageKey)))
    .orderBy(asc(avatars.trainingFinishedAt))
    .limit(limit);
  let copied = 0;
  for (const { id, loraUrl, configUrl } of due) {
    try {
      await storage.put(loraKey(id), await falFiles.open(loraUrl!, MAX_LORA_BYTES), { contentType: 'application/octet-stream' });
      if (configUrl)
        await storage.put(configKey(id), await falFiles.open(configUrl, MAX_CONFIG_BYTES), { contentType: 'application/json' });
      // Only if the avatar still has that LoRA (not deleted, not replaced meanwhile).
      const kept = await db
        .update(avatars)
        .set({ loraStorageKey: loraKey(id), loraCheckedAt: new Date() })
        .where(and(eq(avatars.id, id), eq(avatars.diffusersLoraFileUrl, loraUrl!)))
        .returning({ id: avatars.id });
      if (kept.length > 0) copied += 1;
    } catch (error) {
      deps.logger.warn({ err: error, avatar_id: id }, 'could not copy the LoRA; the next check tries again');
    }
  }
  return copied;
}

/**
 * The LoRA URL an avatar draws with: its stored one while FAL still serves it (asked once a day), or —
 * when FAL says it is gone — the URL of our copy uploaded to FAL storage again, kept for next time.
 */
export async function usableLoraUrl(deps: LoraDeps, avatar: Avatar): Promise<string | null> {
  const url = avatar.diffusersLoraFileUrl;
  if (!url || (avatar.loraCheckedAt && Date.now() - avatar.loraCheckedAt.getTime() < CHECK_EVERY_MS)) return url;
  const answers = await deps.falFiles.answers(url);
  if (answers !== false) {
    if (answers) await deps.db.update(avatars).set({ loraCheckedAt: new Date() }).where(eq(avatars.id, avatar.id));
    return url;
  }
  const log = deps.logger.child({ avatar_id: avatar.id });
  const copy = avatar.loraStorageKey ? await deps.storage.get(avatar.loraStorageKey) : null;
  if (!copy) {
    log.error({ lora_url: url }, 'the LoRA is gone from FAL and there is no copy of it');
    return url;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'avatar-bot-lora-'));
  try {
    const file = path.join(dir, 'lora.safetensors');
    await pipeline(copy, createWriteStream(file, { mode: 0o600 }));
    const uploaded = await deps.falFiles.upload(file, 'application/octet-stream');
    await deps.db
      .update(avatars)
      .set({ diffusersLoraFileUrl: uploaded, loraCheckedAt: new Date() })
      .where(and(eq(avatars.id, avatar.id), eq(avatars.diffusersLoraFileUrl, url)));
    log.info({ lora_url: uploaded }, 'the LoRA was gone from FAL: our copy uploaded again');
    return uploaded;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
