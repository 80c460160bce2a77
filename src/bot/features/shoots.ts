import { Composer } from 'telegraf';
import { findOwnedAvatar } from '../../domain/avatars.js';
import { readinessOf } from '../../domain/generation/request.js';
import { listShoots } from '../../domain/sets/catalog.js';
import { submitSet, votePicture } from '../../domain/sets/sets.js';
import { noteSetProgressMessage, startShoot } from '../../domain/sets/starts.js';
import { editPressedMessage, onAvatarAction, onGenerationAction, pressedOnPhoto } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { refuse } from '../refuse.js';
import { texts } from '../texts/index.js';
import { catalogView, shootConfirmView } from '../views/shoots.js';
import { answerStale } from './gallery.js';

/**
 * "📸 Фотосессии": the catalogue (catalog/shoots.json) for the main avatar, a
 * shoot's confirmation with its price, the purchase — its pictures then run
 * through FAL's queue and arrive as albums (domain/sets/) — and 👍/👎 per picture.
 */
export function shootsFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const price = () => deps.config.billing.priceShoot;

  const off = () => deps.config.sets.shootsPerDay === 0;

  feature.hears([texts.ru.menu.shoots, texts.en.menu.shoots], async (ctx) => {
    if (off()) return ctx.reply(ctx.t.sets.off);
    const mainId = ctx.user?.mainAvatarId;
    const found = mainId && ctx.user ? await findOwnedAvatar(deps.db, ctx.user.id, mainId) : null;
    if (!found?.ok || readinessOf(found.avatar) !== 'ready') return ctx.reply(ctx.t.sets.noAvatar);
    const v = catalogView(ctx.t, found.avatar, await listShoots(deps.db, found.avatar.trainingType), price());
    return ctx.reply(v.text, v.markup);
  });

  feature.use(
    onAvatarAction('shoot_list', deps, async (ctx, avatar) => {
      if (readinessOf(avatar) !== 'ready') return answerStale(ctx, deps, avatar.id);
      await ctx.answerCbQuery();
      const v = catalogView(ctx.t, avatar, await listShoots(deps.db, avatar.trainingType), price());
      if (pressedOnPhoto(ctx)) return ctx.reply(v.text, v.markup);
      return editPressedMessage(ctx, v);
    }),
  );

  feature.use(
    onAvatarAction('shoot_pick', deps, async (ctx, avatar, data) => {
      const shoot = (await listShoots(deps.db, avatar.trainingType)).find((s) => s.id === data.theme);
      if (!shoot || readinessOf(avatar) !== 'ready') return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      const v = shootConfirmView(ctx.t, avatar, shoot, price());
      if (pressedOnPhoto(ctx)) return ctx.reply(v.text, v.markup);
      return editPressedMessage(ctx, v);
    }),
  );

  feature.use(
    onAvatarAction('shoot_go', deps, async (ctx, avatar, data) => {
      if (!ctx.user) return;
      if (off()) return ctx.answerCbQuery(ctx.t.sets.off, { show_alert: true });
      const message = ctx.callbackQuery.message;
      // The confirmation tapped names the purchase: a second tap on it buys nothing.
      const tapKey = `${ctx.chat.id}:${message?.message_id ?? ctx.callbackQuery.id}`;
      const started = await startShoot(deps, { userId: ctx.user.id, avatar, themeId: data.theme, tapKey });
      if (!started.ok) {
        if (started.reason === 'busy') return ctx.answerCbQuery(ctx.t.sets.busy, { show_alert: true });
        if (started.reason === 'refused') {
          await ctx.answerCbQuery();
          return refuse(ctx, deps, started.refusal, { kind: 'shoot', avatarId: avatar.id, theme: data.theme });
        }
        return ctx.answerCbQuery(ctx.t.staleButton);
      }
      const { set } = started;
      // Paid and committed: submitted now, whatever the Bot API answers below.
      deps.tasks.run('submit-shoot', () => submitSet({ ...deps, logger: ctx.log }, set.id));
      await ctx.answerCbQuery();
      const title = (await listShoots(deps.db, avatar.trainingType)).find((s) => s.id === data.theme);
      const name = ctx.t === texts.en ? title?.titleEn : title?.titleRu;
      const text = ctx.t.sets.progress(name ?? '', 0, set.total);
      const progress = pressedOnPhoto(ctx) ? await ctx.reply(text) : await ctx.editMessageText(text);
      const messageId = typeof progress === 'object' ? progress.message_id : message?.message_id;
      if (messageId) await noteSetProgressMessage(deps, set.id, messageId);
    }),
  );

  feature.use(
    onGenerationAction('gen_vote', deps, async (ctx, generation) => {
      const vote = ctx.callbackQuery && 'data' in ctx.callbackQuery && ctx.callbackQuery.data.endsWith(':up') ? 1 : -1;
      if (!generation.setId || !(await votePicture(deps.db, generation.id, vote))) return ctx.answerCbQuery(ctx.t.staleButton);
      return ctx.answerCbQuery(ctx.t.sets.voted(vote));
    }),
  );

  return feature;
}
