import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { isUnfinished } from '../../domain/avatar-lifecycle.js';
import { createDraftAvatar, findUnfinishedAvatar } from '../../domain/avatars.js';
import { checkAvatarLimit, dailyTrainingRefusal } from '../../domain/limits.js';
import { clearWizardState, setWizardState, type WizardState } from '../../domain/wizard-state.js';
import { type CallbackContext, onAction, onAvatarAction } from '../actions.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { albumOf } from '../reply-groups.js';
import { texts } from '../texts/index.js';
import { answeredView, askAgainView, chooseTypeView, questionView } from '../views/avatar-type.js';
import { limitText } from '../views/refusal.js';
import { unfinishedView } from '../views/unfinished-avatar.js';
import { openReview, openUpload } from './upload-photos.js';

export type NameCheck = { ok: true; name: string } | { ok: false; reason: 'nameTooShort' | 'nameTooLong' | 'nameNoLetters' };

/** 2–50 characters after trimming, with at least one letter or digit. */
export function checkAvatarName(raw: string): NameCheck {
  const name = raw.replace(/\s+/g, ' ').trim();
  const length = [...name].length;
  if (length < 2) return { ok: false, reason: 'nameTooShort' };
  if (length > 50) return { ok: false, reason: 'nameTooLong' };
  if (!/[\p{L}\p{N}]/u.test(name)) return { ok: false, reason: 'nameNoLetters' };
  return { ok: true, name };
}

/**
 * A tapped choice stays in its message as the answer ("🎭 Какой аватар создаём? ✅ 👤 Портретный") and the next
 * question is sent below: the user may have written since, and a question edited in up the chat is not seen.
 */
async function answerAndAsk(
  ctx: CallbackContext,
  question: string,
  answer: string,
  next: WizardState & { step: 'choose_gender' | 'enter_name' },
) {
  const answered = answeredView(question, answer);
  await ctx.editMessageText(answered.text, answered.markup).catch(() => {});
  const v = questionView(ctx.t, next);
  return ctx.reply(v.text, v.markup);
}

/** "➕ Создать аватар": type, gender (portraits), name; then the upload takes over. */
export function createAvatarFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();

  /** Said before the wizard starts; the draft's creation counts again under the user's lock. */
  async function refusedByAvatarLimit(ctx: BotContext): Promise<boolean> {
    const refusal = ctx.user ? await checkAvatarLimit(deps.db, ctx.user.id, deps.config.limits.avatarsPerUser) : null;
    if (refusal) await ctx.reply(limitText(ctx.t, refusal));
    else if (ctx.user) await warnDailyLimit(ctx, ctx.user.id);
    return refusal !== null;
  }

  /** The day's trainings are used up: said now, before the photos, and the wizard goes on. */
  async function warnDailyLimit(ctx: BotContext, userId: number): Promise<void> {
    const daily = await dailyTrainingRefusal(deps.db, userId, deps.config.limits.trainingsPerDayPerUser);
    if (daily) await ctx.reply(ctx.t.limits.dailyAhead({ max: daily.max, in: ctx.t.duration(daily.freesAt.getTime() - Date.now()) }));
  }

  feature.hears([texts.ru.menu.createAvatar, texts.en.menu.createAvatar], async (ctx) => {
    if (!ctx.user) return;
    const unfinished = await findUnfinishedAvatar(deps.db, ctx.user.id);
    if (unfinished) {
      await clearWizardState(deps.db, ctx.chat.id);
      const v = unfinishedView(ctx.t, unfinished.avatar, unfinished.photos);
      return ctx.reply(v.text, v.markup);
    }
    if (await refusedByAvatarLimit(ctx)) return;
    await setWizardState(deps.db, ctx.chat.id, { step: 'choose_type' });
    const v = chooseTypeView(ctx.t);
    return ctx.reply(v.text, v.markup);
  });

  feature.use(
    onAction('avatar_new', async (ctx) => {
      await ctx.answerCbQuery();
      if (await refusedByAvatarLimit(ctx)) return;
      await setWizardState(deps.db, ctx.chat.id, { step: 'choose_type' });
      const v = chooseTypeView(ctx.t);
      return ctx.editMessageText(v.text, v.markup);
    }),
  );

  feature.use(
    onAvatarAction('avatar_resume', deps, async (ctx, avatar) => {
      if (!isUnfinished(avatar)) return ctx.answerCbQuery(ctx.t.staleButton, { show_alert: true });
      await ctx.answerCbQuery();
      await ctx.deleteMessage().catch(() => {});
      return avatar.status === 'ready' ? openReview(ctx, deps, avatar) : openUpload(ctx, deps, avatar);
    }),
  );

  feature.use(
    onAction('avatar_type', async (ctx, data) => {
      const state = ctx.wizard;
      if (state?.step !== 'choose_type') return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      const next: WizardState =
        data.type === 'portrait' ? { step: 'choose_gender', type: 'portrait' } : { step: 'enter_name', type: 'style', gender: null };
      await setWizardState(deps.db, ctx.chat.id, next);
      return answerAndAsk(ctx, ctx.t.chooseType, data.type === 'portrait' ? ctx.t.typePortrait : ctx.t.typeStyle, next);
    }),
  );

  feature.use(
    onAction('avatar_gender', async (ctx, data) => {
      const state = ctx.wizard;
      if (state?.step !== 'choose_gender') return ctx.answerCbQuery(ctx.t.staleButton);
      await ctx.answerCbQuery();
      const next: WizardState = { step: 'enter_name', type: state.type, gender: data.gender };
      await setWizardState(deps.db, ctx.chat.id, next);
      return answerAndAsk(ctx, ctx.t.chooseGender, data.gender === 'male' ? ctx.t.genderMale : ctx.t.genderFemale, next);
    }),
  );

  // Anything but a button while a button is expected: the question again, at the bottom, with its buttons.
  feature.on(message(), async (ctx, next) => {
    const state = ctx.wizard;
    if (state?.step !== 'choose_type' && state?.step !== 'choose_gender') return next();
    const v = askAgainView(ctx.t, state, ctx.t.answerWithButtons);
    return deps.replies.reply(ctx.chat.id, `use-buttons:${state.step}`, () => v.text, albumOf(ctx), v.markup);
  });

  feature.on(message(), async (ctx, next) => {
    const state = ctx.wizard;
    if (state?.step !== 'enter_name' || !ctx.user) return next();
    const t = ctx.t;
    // An album sent instead of a name: one hint, not one per photo.
    if (!('text' in ctx.message)) return deps.replies.reply(ctx.chat.id, 'name-is-text', () => t.nameIsText, albumOf(ctx));
    const checked = checkAvatarName(ctx.message.text);
    if (!checked.ok) return ctx.reply(`${t[checked.reason]}\n\n${t.askName}`);
    const created = await createDraftAvatar(
      deps.db,
      { userId: ctx.user.id, name: checked.name, type: state.type, gender: state.gender },
      deps.config.limits.avatarsPerUser,
    );
    if (!created.ok) {
      await clearWizardState(deps.db, ctx.chat.id);
      return ctx.reply(limitText(ctx.t, created.refusal));
    }
    ctx.log.info({ avatar_id: created.avatar.id, type: created.avatar.trainingType }, 'avatar draft created');
    return openUpload(ctx, deps, created.avatar);
  });

  return feature;
}
