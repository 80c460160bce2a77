import { Composer } from 'telegraf';
import { deleteAvatar } from '../../domain/avatars.js';
import { clearWizardState, getWizardState } from '../../domain/wizard-state.js';
import { editPressedMessage, onAction, ownAvatarOrAlert, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { deleteConfirmView } from '../gallery-views.js';
import { texts } from '../texts.js';
import { showGallery } from './gallery.js';

/**
 * "🗑️ Удалить" never deletes (seed problem 1): it asks, naming what is lost
 * forever. "❌ Да, удалить" deletes rows and files; "✅ Отмена" changes nothing.
 */
export function deleteAvatarFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  feature.use(
    onAction('avatar_delete', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      await ctx.answerCbQuery();
      const v = deleteConfirmView(ctx.lang, avatar);
      await editPressedMessage(ctx, v.text, v.markup);
    }),
  );

  feature.use(
    onAction('avatar_delete_confirm', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      // A training nobody wants any more should not keep running (and costing) at FAL.
      if (avatar.status === 'training' && avatar.falCancelUrl) {
        await deps.falHttp.put(avatar.falCancelUrl).catch((error: unknown) => ctx.log.warn({ err: error }, 'cancel before delete failed'));
      }
      const state = await getWizardState(deps.db, ctx.chat.id);
      if (state && 'avatarId' in state && state.avatarId === avatar.id) await clearWizardState(deps.db, ctx.chat.id);
      const deleted = await deleteAvatar(deps.db, deps.storage, avatar.id);
      if (!deleted) return ctx.answerCbQuery(texts[ctx.lang].avatarGone, { show_alert: true });
      ctx.log.info({ avatar_id: avatar.id, status: avatar.status }, 'avatar deleted');
      await ctx.answerCbQuery(texts[ctx.lang].deleted(avatar.name));
      await showGallery(ctx, deps, { edit: pressedOnPhoto(ctx) });
    }),
  );

  feature.use(
    onAction('avatar_delete_cancel', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      await ctx.answerCbQuery();
      await showGallery(ctx, deps, { avatarId: avatar.id, edit: pressedOnPhoto(ctx) });
    }),
  );

  return feature;
}
