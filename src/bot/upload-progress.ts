import type { Context } from 'telegraf';
import { countPhotos } from '../domain/avatars.js';
import { getWizardState, replaceProgressMessage } from '../domain/wizard-state.js';
import { isMessageGone, isNotModified } from './actions.js';
import type { BotDeps } from './bot-deps.js';
import type { BotContext } from './context.js';
import { progressView } from './views/upload-progress.js';
import type { View } from './views/view.js';

/** The upload step's progress message ("📸 Загружено: 7/20"), kept at the bottom and up to date. */

export type ChatContext = Context & BotContext & { chat: NonNullable<Context['chat']> };

/**
 * Brings the progress message up to date. Photos of an album are handled in
 * parallel and their edits may reach Telegram out of order, so after each edit
 * the count is read again and, if it moved, shown again: the last edit to land
 * always shows the final count. A progress message that is gone (the user
 * deleted it) is replaced by a new one, which later photos then edit.
 */
export async function refreshProgress(ctx: ChatContext, deps: BotDeps, avatarId: string, messageId: number): Promise<void> {
  let shown = -1;
  let target = messageId;
  for (let round = 0; round < 5; round++) {
    const uploaded = await countPhotos(deps.db, avatarId);
    if (uploaded === shown) return;
    const v = progressView(ctx.t, avatarId, uploaded, deps.config.training);
    try {
      await ctx.telegram.editMessageText(ctx.chat.id, target, undefined, v.text, v.markup);
    } catch (error) {
      if (isMessageGone(error)) target = await replaceProgress(ctx, deps, target, v);
      else if (!isNotModified(error)) throw error;
    }
    shown = uploaded;
  }
}

/** Sends a new progress message in place of a gone one; of parallel replacements (an album) one wins. */
async function replaceProgress(ctx: ChatContext, deps: BotDeps, goneId: number, v: View): Promise<number> {
  const fresh = await ctx.reply(v.text, v.markup);
  const winner = await replaceProgressMessage(deps.db, ctx.chat.id, goneId, fresh.message_id);
  if (winner !== null && winner !== fresh.message_id) await ctx.deleteMessage(fresh.message_id).catch(() => {});
  return winner ?? fresh.message_id;
}

/** Sends the progress anew at the bottom of the chat and retires the old message (one winner among parallel moves). */
export async function moveProgressDown(ctx: ChatContext, deps: BotDeps, avatarId: string): Promise<void> {
  const state = await getWizardState(deps.db, ctx.chat.id);
  if (state?.step !== 'upload_photos' || state.avatarId !== avatarId || state.progressMessageId === null) return;
  const v = progressView(ctx.t, avatarId, await countPhotos(deps.db, avatarId), deps.config.training);
  const fresh = await ctx.telegram.sendMessage(ctx.chat.id, v.text, v.markup);
  const winner = await replaceProgressMessage(deps.db, ctx.chat.id, state.progressMessageId, fresh.message_id);
  // A tap on the old message meanwhile ("✅ Готово" turned it into the review) left the upload: the old message
  // is the user's answer now and stays; the fresh one goes.
  const still = winner === fresh.message_id ? await getWizardState(deps.db, ctx.chat.id) : null;
  const moved = still?.step === 'upload_photos' && still.progressMessageId === fresh.message_id;
  await ctx.telegram.deleteMessage(ctx.chat.id, moved ? state.progressMessageId : fresh.message_id).catch(() => {});
}
