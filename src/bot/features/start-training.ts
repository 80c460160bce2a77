import { Composer } from 'telegraf';
import { startPreview } from '../../domain/sets/starts.js';
import { expectedSeconds } from '../../domain/training/presets.js';
import { beginSubmission, submitTraining } from '../../domain/training/submission.js';
import { clearWizardState } from '../../domain/wizard-state.js';
import { answerQuietly, onAvatarAction, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { refuse } from '../refuse.js';
import { submitFailedView } from '../views/training-review.js';
import { answerStale, showGallery } from './gallery.js';

/**
 * "🚀 Начать обучение" (and "🔁 Повторить"): the avatar moves to submitting
 * once, the update is answered at once, and zipping, uploading and submitting
 * run in the background, reporting into the same message.
 */
export function startTrainingFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  feature.use(
    onAvatarAction('avatar_train', deps, async (ctx, avatar) => {
      const t = ctx.t;
      const begun = await beginSubmission(deps.db, avatar.id, deps.config);
      if (!begun.ok) {
        if (!begun.refusal) return answerStale(ctx, deps, avatar.id, t.alreadyStarted);
        await ctx.answerCbQuery();
        return refuse(ctx, deps, begun.refusal, { kind: 'training', avatarId: avatar.id });
      }
      // Paid and committed: the work starts now, whatever the Bot API answers below. Its outcome goes
      // into the progress message once there is one, or into a new message when showing it failed.
      const { chat, telegram, log } = ctx;
      let shown: (messageId: number | undefined) => void = () => {};
      const progressMessage = new Promise<number | undefined>((resolve) => (shown = resolve));
      deps.tasks.run('submit-training', async () => {
        const outcome = await submitTraining({ ...deps, logger: log }, avatar.id);
        const messageId = await progressMessage;
        const show = (text: string, extra?: object) =>
          messageId ? telegram.editMessageText(chat.id, messageId, undefined, text, extra) : telegram.sendMessage(chat.id, text, extra);
        if (outcome.ok) {
          const time = expectedSeconds(deps.config, outcome.avatar);
          // Something to look at while it trains: a preview from the best photo (domain/sets/starts.ts).
          if (!outcome.finishedEarly) deps.tasks.run('start-preview', () => startPreview({ ...deps, logger: log }, avatar.id));
          await show(t.trainingStarted(outcome.avatar.name, time, begun.receipt));
          if (outcome.finishedEarly) deps.notifier.drainSoon();
        } else if (outcome.avatar) {
          const v = submitFailedView(t, outcome.avatar, outcome.temporary, outcome.refunded);
          await show(v.text, v.markup);
        }
      });
      try {
        await answerQuietly(ctx);
        await clearWizardState(deps.db, ctx.chat.id);
        // The button may sit under a text (the review) or under a photo (a gallery card): progress goes to a text message.
        const onCard = pressedOnPhoto(ctx);
        // The card shows the new status at once, not the "cancelled" or "failed" it had.
        if (onCard) await showGallery(ctx, deps, { avatarId: avatar.id, edit: true });
        const progress = onCard ? await ctx.reply(t.preparing(avatar.name)) : null;
        if (!progress) await ctx.editMessageText(t.preparing(avatar.name));
        shown(progress?.message_id ?? ctx.callbackQuery.message?.message_id);
      } catch (error) {
        shown(undefined);
        throw error;
      }
    }),
  );

  return feature;
}
