import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { type Avatar, findOwnedAvatar } from '../../domain/avatars.js';
import { currentBalance } from '../../domain/billing/ledger.js';
import { generationsInFlight, noteProgressMessage } from '../../domain/generation/queries.js';
import { type FormatName, formatOr, PROMPT_MAX, readinessOf } from '../../domain/generation/request.js';
import { startGeneration, submitGeneration } from '../../domain/generation/submission.js';
import { agreedToPromptPrice, agreeToPromptPrice } from '../../domain/users.js';
import { clearWizardState, setWizardState } from '../../domain/wizard-state.js';
import { onAvatarAction, onGenerationAction } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { refuse } from '../refuse.js';
import { texts } from '../texts/index.js';
import { generationFormatView } from '../views/generation-format.js';
import { MENU_BUTTONS } from '../views/main-menu.js';
import { promptPriceView } from '../views/prompt-price.js';

/** A picture to draw: the user's words, and its English prompt when it is known already. */
export type PictureRequest = {
  /** What the user typed (or the idea's title): what "📝 Промпт" shows. */
  words: string;
  /** An idea's, a variation's or the first picture's English prompt; undefined: the assistant writes it (null: the words are drawn). */
  english?: string | null;
};

/**
 * Records and submits a generation, its price taken; refuses a second one while
 * one is running, and offers a top-up when the balance is short. The words are
 * rewritten into English first (domain/prompts/), before anything is charged:
 * a prompt the assistant refuses costs nothing, one it could not rewrite is
 * drawn as typed. Answers 'refused' when the assistant refused it.
 */
export async function generatePicture(
  ctx: BotContext,
  deps: BotDeps,
  avatar: Avatar,
  request: PictureRequest,
  format: FormatName,
): Promise<'refused' | undefined> {
  if (!ctx.user) return;
  const g = ctx.t.gen;
  const words = request.words.trim();
  let english = request.english ?? null;
  if (request.english === undefined && deps.prompts && readinessOf(avatar) === 'ready') {
    ctx.sendChatAction('typing').catch(() => {});
    const rewrite = await deps.prompts.rewrite(avatar, words, ctx.log);
    if (rewrite.kind === 'refused') {
      await ctx.reply(g.promptRefused);
      return 'refused';
    }
    if (rewrite.kind === 'rewritten') english = rewrite.english;
  }
  const started = await startGeneration(deps.db, deps.config, {
    userId: ctx.user.id,
    avatar,
    prompt: words,
    englishPrompt: english,
    format,
  });
  if (!started.ok) {
    if (started.reason === 'busy') return void (await ctx.reply(g.busy));
    if (started.reason === 'balance') {
      const resume = { kind: 'generation', avatarId: avatar.id, prompt: words, englishPrompt: english, format } as const;
      return void (await refuse(ctx, deps, started.refusal, resume));
    }
    return void (await ctx.reply(started.reason === 'not_trained' ? g.notTrained(avatar.name) : g.noModel(avatar.name)));
  }
  const { id } = started.generation;
  // Paid and committed: submitted now, whatever the Bot API answers the "generating…" below.
  deps.tasks.run('submit-generation', async () => {
    await submitGeneration({ ...deps, logger: ctx.log }, id);
    // An early webhook or a refused submit may have left a message to send.
    deps.notifier.drainSoon();
  });
  const progress = await ctx.reply(g.started);
  await noteProgressMessage(deps.db, id, progress.message_id);
}

/**
 * "🎨 Генерировать" (a card, the ready message) and "🎨 Генерация" (the main
 * avatar): readiness, the picture format, the prompt; then the submit runs in
 * the background and the picture arrives through the outbox once FAL is done.
 */
export function generateFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  /** Says why an avatar cannot draw, or offers the formats. */
  async function offerFormats(ctx: BotContext, avatar: Avatar) {
    const g = ctx.t.gen;
    const readiness = readinessOf(avatar);
    if (readiness === 'not_trained') return ctx.reply(g.notTrained(avatar.name));
    if (readiness === 'no_model') return ctx.reply(g.noModel(avatar.name));
    const v = generationFormatView(ctx.t, avatar, ctx.user?.generationFormat);
    return ctx.reply(v.text, v.markup);
  }

  feature.hears([texts.ru.menu.generate, texts.en.menu.generate], async (ctx) => {
    const mainId = ctx.user?.mainAvatarId;
    const found = mainId && ctx.user ? await findOwnedAvatar(deps.db, ctx.user.id, mainId) : null;
    if (!found?.ok) return ctx.reply(ctx.t.gen.noMain);
    return offerFormats(ctx, found.avatar);
  });

  feature.use(
    onAvatarAction('avatar_generate', deps, async (ctx, avatar) => {
      await ctx.answerCbQuery();
      await offerFormats(ctx, avatar);
    }),
  );

  feature.use(
    onAvatarAction('gen_format', deps, async (ctx, avatar, data) => {
      if (readinessOf(avatar) !== 'ready') return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      await setWizardState(deps.db, ctx.chat.id, { step: 'enter_prompt', avatarId: avatar.id, format: data.format });
      await ctx.editMessageText(ctx.t.gen.askPrompt(avatar.name));
    }),
  );

  feature.on(message(), async (ctx, next) => {
    const state = ctx.wizard;
    if (state?.step !== 'enter_prompt' || !ctx.user) return next();
    const prompt = 'text' in ctx.message ? ctx.message.text.trim() : '';
    const length = [...prompt].length;
    if (length < 1 || length > PROMPT_MAX) return ctx.reply(ctx.t.gen.promptInvalid(length));
    const found = await findOwnedAvatar(deps.db, ctx.user.id, state.avatarId);
    await clearWizardState(deps.db, ctx.chat.id);
    if (!found.ok) return ctx.reply(ctx.t.avatarGone);
    // A refused prompt may be typed again, for the same avatar and format.
    if ((await generatePicture(ctx, deps, found.avatar, { words: prompt }, formatOr(state.format))) === 'refused') {
      await setWizardState(deps.db, ctx.chat.id, state);
    }
  });

  // Text typed outside any step, with a trained main avatar: a description to draw, as the ready message promises.
  feature.on(message('text'), async (ctx, next) => {
    const prompt = ctx.message.text.trim();
    const { user } = ctx;
    // A command or a menu button is never a picture to draw.
    if (!user?.mainAvatarId || prompt.startsWith('/') || MENU_BUTTONS.includes(prompt)) return next();
    // Another conversation is open; a prompt waiting for its price to be agreed is replaced by the new one.
    if (ctx.wizard && ctx.wizard.step !== 'confirm_prompt') return next();
    const main = await findOwnedAvatar(deps.db, user.id, user.mainAvatarId);
    if (!main.ok || readinessOf(main.avatar) !== 'ready') return next();
    const length = [...prompt].length;
    if (length > PROMPT_MAX) return ctx.reply(ctx.t.gen.promptInvalid(length));
    const price = deps.config.billing.priceGeneration;
    if (price > 0 && !agreedToPromptPrice(user)) {
      // Typed, not asked for: the price is shown before anything is charged, once a conversation.
      await setWizardState(deps.db, ctx.chat.id, { step: 'confirm_prompt', avatarId: main.avatar.id, prompt });
      const balance = await currentBalance(deps.db, user.id, deps.config.billing.freeCredits);
      const v = promptPriceView(ctx.t, main.avatar, prompt, price, balance);
      return ctx.reply(v.text, v.markup);
    }
    if (ctx.wizard) await clearWizardState(deps.db, ctx.chat.id);
    // Each prompt drawn keeps the conversation going: its agreement holds from the latest.
    if (price > 0) await agreeToPromptPrice(deps.db, user.id);
    await generatePicture(ctx, deps, main.avatar, { words: prompt }, formatOr(user.generationFormat));
  });

  feature.use(
    onAvatarAction('gen_confirm', deps, async (ctx, avatar) => {
      const state = ctx.wizard;
      if (!ctx.user || state?.step !== 'confirm_prompt' || state.avatarId !== avatar.id) return ctx.answerCbQuery(ctx.t.staleButton);
      await clearWizardState(deps.db, ctx.chat.id);
      await agreeToPromptPrice(deps.db, ctx.user.id);
      await ctx.answerCbQuery();
      await ctx.editMessageReplyMarkup(undefined).catch(() => {});
      await generatePicture(ctx, deps, avatar, { words: state.prompt }, formatOr(ctx.user.generationFormat));
    }),
  );

  feature.use(
    onAvatarAction('gen_skip', deps, async (ctx) => {
      if (ctx.wizard?.step === 'confirm_prompt') await clearWizardState(deps.db, ctx.chat.id);
      await ctx.answerCbQuery();
      await ctx.editMessageText(ctx.t.gen.notDrawn).catch(() => {});
    }),
  );

  feature.use(
    onGenerationAction('gen_again', deps, async (ctx, generation, avatar) => {
      // A second tap while the first picture is drawing: a popup, not another chat message.
      if (ctx.user && (await generationsInFlight(deps.db, ctx.user.id)) >= deps.config.generation.maxRunningPerUser) {
        return ctx.answerCbQuery(ctx.t.gen.busy, { show_alert: true });
      }
      await ctx.answerCbQuery();
      await generatePicture(
        ctx,
        deps,
        avatar,
        { words: generation.prompt, english: generation.englishPrompt },
        formatOr(generation.format),
      );
    }),
  );

  feature.use(
    onGenerationAction('gen_prompt', deps, async (ctx, generation) => {
      await ctx.answerCbQuery();
      await ctx.reply(ctx.t.gen.promptShown(generation.prompt, generation.englishPrompt));
    }),
  );

  return feature;
}
