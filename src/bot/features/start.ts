import { Composer } from 'telegraf';
import { isUnfinished } from '../../domain/avatar-lifecycle.js';
import { countPhotos, findOwnedAvatar } from '../../domain/avatars.js';
import { currentBalance } from '../../domain/billing/ledger.js';
import { setWizardState } from '../../domain/wizard-state.js';
import type { BotDeps } from '../bot-deps.js';
import type { BotContext } from '../context.js';
import { askAgainView, chosenSoFar, isBeforeDraft } from '../views/avatar-type.js';
import { mainMenuKeyboard } from '../views/main-menu.js';
import { draftKeptView } from '../views/unfinished-avatar.js';

/** /start: a greeting and the main menu; with Stars on, the balance under it. */
export function startFeature(deps: BotDeps) {
  const feature = new Composer<BotContext>();
  const { billing } = deps.config;
  feature.start(async (ctx) => {
    const t = ctx.t;
    let text = t.greeting(ctx.from?.first_name ?? '', { min: deps.config.training.minPhotos, max: deps.config.training.maxPhotos });
    if (billing.enabled && ctx.user) {
      text += `\n\n${t.stars.balanceLine(await currentBalance(deps.db, ctx.user.id, billing.freeCredits))}`;
    }
    await ctx.reply(text, mainMenuKeyboard(ctx.t));
    // Before the name: /start keeps what was chosen (type, gender) and asks the question again, below the greeting.
    const leftStep = ctx.leftStep;
    if (isBeforeDraft(leftStep) && leftStep.step !== 'choose_type' && ctx.chat) {
      await setWizardState(deps.db, ctx.chat.id, leftStep);
      const v = askAgainView(t, leftStep, t.wizardGoesOn(chosenSoFar(t, leftStep)));
      await ctx.reply(v.text, v.markup);
      return;
    }
    // Left in the middle of creating an avatar: say the draft is kept, and how to go on.
    const leftAvatarId = leftStep && 'avatarId' in leftStep ? leftStep.avatarId : null;
    const left = ctx.user && leftAvatarId ? await findOwnedAvatar(deps.db, ctx.user.id, leftAvatarId) : null;
    if (left?.ok && isUnfinished(left.avatar)) {
      const v = draftKeptView(ctx.t, left.avatar, await countPhotos(deps.db, left.avatar.id));
      await ctx.reply(v.text, v.markup);
    }
  });
  return feature;
}
