import type { Telegram } from 'telegraf';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { FaceCheck } from '../domain/avatar-photos.js';
import { receiptOf, shootChargeKey } from '../domain/billing/ledger.js';
import { generationPictures } from '../domain/generation/images.js';
import type { Notification } from '../domain/notifications.js';
import { themeNames } from '../domain/sets/catalog.js';
import { setProgress } from '../domain/sets/progress.js';
import { findSet, type PictureSet, setPictures } from '../domain/sets/sets.js';
import { trainingSecondsLeft } from '../domain/training/presets.js';
import type { Storage } from '../storage/storage.js';
import { langOf, type Texts, texts } from './texts/index.js';
import { button, view } from './views/view.js';

export type SenderDeps = { db: Db; storage: Storage; config: Pick<Config, 'fal' | 'training'>; faces: FaceCheck };

/** What the message was about no longer exists (the avatar was deleted since): nothing to send, ever. */
export class GoneError extends Error {
  override name = 'GoneError';
}

type SetNotification = Extract<Notification['payload'], { type: `set_${string}` }>;

export const isSetNotification = (payload: Notification['payload']): payload is SetNotification => payload.type.startsWith('set_');

/** The title a set is shown by: its shoot's, in the user's language. */
async function titleOf(deps: SenderDeps, set: PictureSet, lang: 'ru' | 'en'): Promise<{ emoji: string; title: string }> {
  const names = await themeNames(deps.db, set.themeId);
  return { emoji: names?.emoji ?? '📸', title: (lang === 'ru' ? names?.titleRu : names?.titleEn) ?? '' };
}

/** Edits a shoot's "12/20" message; a message the user deleted is not sent again (the albums say it all). */
async function editProgress(telegram: Telegram, chatId: number, set: PictureSet, text: string): Promise<number> {
  if (!set.progressMessageId) return 0;
  await telegram.editMessageText(chatId, set.progressMessageId, undefined, text).catch(() => {});
  return set.progressMessageId;
}

/**
 * Sends one message of a picture set (domain/sets/): a shoot's progress edited
 * in place, an album of up to ten pictures (copied into storage first), a
 * shoot's 👍/👎 buttons, or its summary.
 */
export async function sendSetMessage(
  telegram: Telegram,
  deps: SenderDeps,
  notification: Notification,
  fetchImage: (url: string) => Promise<Buffer>,
): Promise<number> {
  const p = notification.payload as SetNotification;
  const set = await findSet(deps.db, p.setId);
  if (!set) throw new GoneError(`set ${p.setId} is gone`);
  const lang = langOf(p.languageCode);
  const t: Texts = texts[lang];
  const { emoji, title } = await titleOf(deps, set, lang);
  const chatId = notification.chatId;

  if (p.type === 'set_progress') {
    const { ended } = await setProgress(deps.db, set.id);
    // Told only while it runs: a late progress message never overwrites the end.
    if (set.status !== 'running') return set.progressMessageId ?? 0;
    return editProgress(telegram, chatId, set, t.sets.progress(title, ended, set.total));
  }
  if (p.type === 'set_done') {
    await editProgress(telegram, chatId, set, t.sets.finished(title, p.delivered, set.total));
    // What the shoot took in the end (its price less the refund) and what is left; nothing for a free one.
    const receipt = set.kind === 'shoot' ? await receiptOf(deps.db, set.userId, shootChargeKey(set.id)) : null;
    const v = view(t.sets.done(title, p.delivered, p.failed, p.refunded) + (receipt ? `\n\n${t.stars.receipt(receipt)}` : ''), [
      [button(t.sets.more, { action: 'shoot_list', avatarId: set.avatarId })],
      [button(t.menu.myAvatars, { action: 'gallery_open' })],
    ]);
    return (await telegram.sendMessage(chatId, v.text, v.markup)).message_id;
  }

  const pictures = await setPictures(deps.db, set.id, p.album);
  const from = p.album * 10 + 1;
  const to = from + pictures.length - 1;
  if (p.type === 'set_votes') {
    const rows = pictures.map((g, i) => [
      button(`${from + i} 👍`, { action: 'gen_vote', generationId: g.id, vote: 'up' }),
      button(`${from + i} 👎`, { action: 'gen_vote', generationId: g.id, vote: 'down' }),
    ]);
    const v = view(t.sets.votes(from, to), rows);
    return (await telegram.sendMessage(chatId, v.text, v.markup)).message_id;
  }

  if (pictures.length === 0) throw new GoneError(`set ${set.id} has no pictures in album ${p.album}`);
  const caption =
    set.kind === 'preview'
      ? t.sets.previewCaption(p.avatarName, await trainingSecondsLeft(deps.db, deps.config, set.avatarId))
      : set.kind === 'welcome'
        ? t.sets.welcomeCaption(p.avatarName)
        : t.sets.shootCaption(`${emoji} ${title}`, from, to, (await setProgress(deps.db, set.id)).completed);
  const media = [];
  for (const generation of pictures) {
    const found = await generationPictures(deps.db, deps.storage, generation.id, fetchImage, deps.faces);
    for (const picture of found?.pictures ?? []) media.push(typeof picture === 'string' ? picture : { source: picture });
  }
  if (media.length === 1) return (await telegram.sendPhoto(chatId, media[0]!, { caption })).message_id;
  const sent = await telegram.sendMediaGroup(
    chatId,
    media.slice(0, 10).map((m, i) => ({ type: 'photo' as const, media: m, ...(i === 0 ? { caption } : {}) })),
  );
  return sent[0]?.message_id ?? 0;
}
