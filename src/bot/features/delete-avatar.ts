import { Composer } from 'telegraf';
import { deleteAvatar, paidInFlight } from '../../domain/avatars.js';
import { clearWizardState } from '../../domain/wizard-state.js';
import { editPressedMessage, onAvatarAction, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { deleteConfirmView } from '../views/delete-confirm.js';
import { showGallery } from './gallery.js';

/**
 * "🗑️ Удалить" never deletes: it asks, naming what is lost forever (the first
 * bug of the post-mortem the project was born from). "❌ Да, удалить" deletes
 * rows and files; "✅ Отмена" changes nothing.
 */
export function deleteAvatarFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  feature.use(
    onAvatarAction('avatar_delete', deps, async (ctx, avatar) => {
      await ctx.answerCbQuery();
      await editPressedMessage(ctx, deleteConfirmView(ctx.t, avatar, await paidInFlight(deps.db, avatar)));
    }),
  );

  feature.use(
    onAvatarAction('avatar_delete_confirm', deps, async (ctx, avatar) => {
      const state = ctx.wizard;
      if (state && 'avatarId' in state && state.avatarId === avatar.id) await clearWizardState(deps.db, ctx.chat.id);
      const deleted = await deleteAvatar(deps, avatar);
      if (!deleted) return ctx.answerCbQuery(ctx.t.avatarGone, { show_alert: true });
      ctx.log.info({ avatar_id: avatar.id, status: avatar.status, fal_cancel: deleted.cancel }, 'avatar deleted');
      await ctx.answerCbQuery(ctx.t.deleted(avatar.name, deleted.refunded));
      await showGallery(ctx, deps, { edit: pressedOnPhoto(ctx) });
    }),
  );

  feature.use(
    onAvatarAction('avatar_delete_cancel', deps, async (ctx, avatar) => {
      await ctx.answerCbQuery();
      await showGallery(ctx, deps, { avatarId: avatar.id, edit: pressedOnPhoto(ctx) });
    }),
  );

  return feature;
}
