import type { Logger } from 'pino';
import type { Context } from 'telegraf';
import type { User } from '../domain/users.js';
import type { WizardState } from '../domain/wizard-state.js';
import type { Texts } from './texts/index.js';

/** What every handler can rely on, set by the bot's first middleware. */
export interface BotContext extends Context {
  log: Logger;
  /** The texts in the user's language (Telegram's `language_code`), as views take them. */
  t: Texts;
  /** Set for updates that come from a user in a chat. */
  user?: User;
  /** The chat's wizard step as the update found it (null outside a private chat, or after a command left it). */
  wizard: WizardState | null;
  /** The wizard step a command or menu button just left. */
  leftStep?: WizardState | null;
  /** Set when the handler edited the pressed message in place (actions.ts, photo-message.ts). */
  editedPressed?: boolean;
  /** Set when the handler showed a gallery card: its message id (features/gallery.ts showGallery). */
  shownCard?: number;
}
