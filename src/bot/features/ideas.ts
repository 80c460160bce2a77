import { Composer } from 'telegraf';
import { formatOr, readinessOf } from '../../domain/generation/request.js';
import { type IdeaId, ideaPrompt, newSetting, pickIdeas } from '../../domain/prompts/ideas.js';
import { editPressedMessage, onAvatarAction, onGenerationAction, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { ideasView } from '../views/ideas.js';
import { answerStale } from './gallery.js';
import { generatePicture } from './generate.js';

/**
 * Ready ideas and variations: "✨ Идеи" (on a card and under a picture) offers
 * five ideas for the avatar's kind, each drawn with one tap from its own English
 * prompt; "🔁 Вариация" draws a picture's prompt again in a new setting, moved
 * there by the prompt assistant (or, without it, with the setting added).
 */
export function ideasFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  feature.use(
    onAvatarAction('avatar_ideas', deps, async (ctx, avatar) => {
      if (readinessOf(avatar) !== 'ready') return answerStale(ctx, deps, avatar.id);
      await ctx.answerCbQuery();
      const v = ideasView(ctx.t, avatar, pickIdeas(avatar.trainingType));
      // From a card or under a picture: a message of its own; "other ideas" replaces the ideas in place.
      if (pressedOnPhoto(ctx)) return ctx.reply(v.text, v.markup);
      return editPressedMessage(ctx, v);
    }),
  );

  feature.use(
    onAvatarAction('gen_idea', deps, async (ctx, avatar, data) => {
      const english = ideaPrompt(avatar.trainingType, data.idea);
      if (!english || readinessOf(avatar) !== 'ready') return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      const words = ctx.t.ideas.names[data.idea as IdeaId];
      await generatePicture(ctx, deps, avatar, { words, english }, formatOr(ctx.user?.generationFormat));
    }),
  );

  feature.use(
    onGenerationAction('gen_vary', deps, async (ctx, generation, avatar) => {
      await ctx.answerCbQuery();
      const base = generation.englishPrompt ?? generation.prompt;
      const setting = newSetting(base);
      let english = `${base}, ${setting}`;
      if (deps.prompts) {
        ctx.sendChatAction('typing').catch(() => {});
        const moved = await deps.prompts.vary(avatar, base, setting, ctx.log);
        if (moved.kind === 'refused') return ctx.reply(ctx.t.gen.promptRefused);
        if (moved.kind === 'rewritten') english = moved.english;
      }
      await generatePicture(ctx, deps, avatar, { words: generation.prompt, english }, formatOr(generation.format));
    }),
  );

  return feature;
}
