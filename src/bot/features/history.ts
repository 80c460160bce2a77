import { Composer } from 'telegraf';
import { generationPictures } from '../../domain/generation/images.js';
import { generationHistory } from '../../domain/generation/queries.js';
import { createFalImageFetcher } from '../../fal/fal-http.js';
import { editPressedMessage, onAvatarAction, onGenerationAction } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { sendPictures } from '../photo-message.js';
import { HISTORY_PAGE, historyView } from '../views/history.js';
import { generationDoneView } from '../views/outcome-messages.js';

/**
 * "📜 История" in the card: the avatar's pictures ten a page, newest (or most alike) first, and
 * "🖼 N" sends any of them again — from storage, with the buttons it came with.
 */
export function historyFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const fetchImage = createFalImageFetcher(deps.config);

  feature.use(
    onAvatarAction('avatar_history', deps, async (ctx, avatar, { page }) => {
      await ctx.answerCbQuery();
      const found = await generationHistory(deps.db, avatar.id, 'date', HISTORY_PAGE + 1, page * HISTORY_PAGE);
      const shown = { pictures: found.slice(0, HISTORY_PAGE), order: 'date' as const, page, older: found.length > HISTORY_PAGE };
      await editPressedMessage(ctx, historyView(ctx.t, avatar, shown));
    }),
  );

  feature.use(
    onAvatarAction('avatar_history_best', deps, async (ctx, avatar) => {
      await ctx.answerCbQuery();
      const pictures = await generationHistory(deps.db, avatar.id, 'likeness', HISTORY_PAGE);
      await editPressedMessage(ctx, historyView(ctx.t, avatar, { pictures, order: 'likeness', page: 0, older: false }));
    }),
  );

  feature.use(
    onGenerationAction('gen_show', deps, async (ctx, generation, avatar) => {
      const found =
        generation.status === 'completed' ? await generationPictures(deps.db, deps.storage, generation.id, fetchImage, deps.faces) : null;
      if (!found || found.pictures.length === 0) return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      const title = ctx.t.gallery.reopened({ name: avatar.name, date: ctx.t.date(generation.createdAt), prompt: generation.prompt });
      await sendPictures(
        ctx.telegram,
        ctx.chat.id,
        found.pictures,
        generationDoneView(ctx.t, generation, avatar.name, { likeness: found.likeness, title }),
      );
    }),
  );

  return feature;
}
