import { and, eq } from 'drizzle-orm';
import { Composer, Markup } from 'telegraf';
import { message } from 'telegraf/filters';
import { avatars, generations } from '../../db/schema.js';
import { type Avatar, findOwnedAvatar } from '../../domain/avatars.js';
import { applyPendingWebhookEvents } from '../../domain/fal-webhook-events.js';
import { type FormatName, isFormat, PROMPT_MAX, readinessOf, startGeneration, submitGeneration } from '../../domain/generation.js';
import { clearWizardState, getWizardState, setWizardState } from '../../domain/wizard-state.js';
import { onAction, ownAvatarOrAlert } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import { callbackData as cb } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { texts } from '../texts.js';

/**
 * "🎨 Генерировать" (a card, the ready message) and "🎨 Генерация" (the main
 * avatar): readiness, the picture format, the prompt; then the submit runs in
 * the background and the picture arrives through the outbox once FAL is done.
 */
export function generateFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  /** Says why an avatar cannot draw, or offers the formats (the last one used first marked). */
  async function offerFormats(ctx: BotContext, avatar: Avatar) {
    const g = texts[ctx.lang].gen;
    const readiness = readinessOf(avatar);
    if (readiness === 'not_trained') return ctx.reply(g.notTrained(avatar.name));
    if (readiness === 'no_model') return ctx.reply(g.noModel(avatar.name));
    const last = ctx.user?.generationFormat;
    const button = (format: FormatName) =>
      Markup.button.callback(
        `${format === last ? '✓ ' : ''}${g.formats[format]}`,
        cb({ action: 'gen_format', avatarId: avatar.id, format }),
      );
    return ctx.reply(
      g.chooseFormat(avatar.name),
      Markup.inlineKeyboard([
        [button('portrait'), button('square')],
        [button('story'), button('cinema')],
      ]),
    );
  }

  /** Records and submits a generation; refuses a second one while one is running. */
  async function generate(ctx: BotContext, avatar: Avatar, prompt: string, format: FormatName) {
    if (!ctx.user) return;
    const g = texts[ctx.lang].gen;
    const started = await startGeneration(deps.db, deps.config, { userId: ctx.user.id, avatar, prompt, format });
    if (!started.ok) {
      if (started.reason === 'busy') return ctx.reply(g.busy);
      return ctx.reply(started.reason === 'not_trained' ? g.notTrained(avatar.name) : g.noModel(avatar.name));
    }
    await ctx.reply(g.started);
    const { id } = started.generation;
    deps.tasks.run('submit-generation', async () => {
      const submitted = await submitGeneration({ ...deps, logger: ctx.log }, id);
      const [row] = await deps.db.select({ requestId: generations.falRequestId }).from(generations).where(eq(generations.id, id));
      // A webhook may have beaten the submit's answer; a refused submit left a message to send.
      if (submitted.ok && row?.requestId) await applyPendingWebhookEvents(deps.db, row.requestId);
      deps.notifier.drainSoon();
    });
  }

  feature.hears([texts.ru.menu.generate, texts.en.menu.generate], async (ctx) => {
    const mainId = ctx.user?.mainAvatarId;
    const found = mainId && ctx.user ? await findOwnedAvatar(deps.db, ctx.user.id, mainId) : null;
    if (!found?.ok) return ctx.reply(texts[ctx.lang].gen.noMain);
    return offerFormats(ctx, found.avatar);
  });

  feature.use(
    onAction('avatar_generate', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      await ctx.answerCbQuery();
      await offerFormats(ctx, avatar);
    }),
  );

  feature.use(
    onAction('gen_format', async (ctx, data) => {
      const avatar = await ownAvatarOrAlert(ctx, deps, data.avatarId);
      if (!avatar) return;
      if (readinessOf(avatar) !== 'ready') return ctx.answerCbQuery(texts[ctx.lang].staleButton);
      await ctx.answerCbQuery();
      await setWizardState(deps.db, ctx.chat.id, { step: 'enter_prompt', avatarId: avatar.id, format: data.format });
      await ctx.editMessageText(texts[ctx.lang].gen.askPrompt(avatar.name));
    }),
  );

  feature.on(message(), async (ctx, next) => {
    const state = await getWizardState(deps.db, ctx.chat.id);
    if (state?.step !== 'enter_prompt' || !ctx.user) return next();
    const prompt = 'text' in ctx.message ? ctx.message.text.trim() : '';
    if (prompt.length < 1 || [...prompt].length > PROMPT_MAX) return ctx.reply(texts[ctx.lang].gen.promptInvalid);
    const found = await findOwnedAvatar(deps.db, ctx.user.id, state.avatarId);
    await clearWizardState(deps.db, ctx.chat.id);
    if (!found.ok) return ctx.reply(texts[ctx.lang].avatarGone);
    return generate(ctx, found.avatar, prompt, isFormat(state.format) ? state.format : 'portrait');
  });

  feature.use(
    onAction('gen_again', async (ctx, data) => {
      if (!ctx.user) return;
      const [row] = await deps.db
        .select({ generation: generations, avatar: avatars })
        .from(generations)
        .innerJoin(avatars, eq(avatars.id, generations.avatarId))
        .where(and(eq(generations.id, data.generationId)));
      if (!row) return ctx.answerCbQuery(texts[ctx.lang].avatarGone, { show_alert: true });
      if (row.generation.userId !== ctx.user.id) return ctx.answerCbQuery(texts[ctx.lang].notYourAvatar, { show_alert: true });
      await ctx.answerCbQuery();
      const format = isFormat(row.generation.format) ? row.generation.format : 'portrait';
      await generate(ctx, row.avatar, row.generation.prompt, format);
    }),
  );

  feature.use(
    onAction('gen_prompt', async (ctx, data) => {
      if (!ctx.user) return;
      const [generation] = await deps.db.select().from(generations).where(eq(generations.id, data.generationId));
      if (!generation) return ctx.answerCbQuery(texts[ctx.lang].avatarGone, { show_alert: true });
      if (generation.userId !== ctx.user.id) return ctx.answerCbQuery(texts[ctx.lang].notYourAvatar, { show_alert: true });
      await ctx.answerCbQuery();
      await ctx.reply(texts[ctx.lang].gen.promptShown(generation.fullPrompt));
    }),
  );

  return feature;
}
