import type { Telegram } from 'telegraf';
import type { BackgroundTasks } from '../runtime/background-tasks.js';

/** How long a chat must be quiet before a group of like replies is final. */
const SETTLE_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Group = {
  chatId: number;
  messageId: number | null;
  count: number;
  last: number;
  render?: (count: number) => string;
  /** Runs once the burst is over (the latest one given wins). */
  settled?: () => Promise<void>;
};

export type ReplyGroups = ReturnType<typeof createReplyGroups>;

/**
 * One answer per burst. An album's photos arrive as parallel updates, a fast
 * series one right after another: the first of a kind of reply (same chat,
 * same key) is sent at once; the ones like it that follow are only counted, and
 * once the chat has been quiet for a second the first is edited to sum them up
 * ("❌ 3 фото не приняты: …"). Work can wait for a burst's end too (the upload
 * step then moves its progress message below the album). Kept in this process:
 * updates of one burst that reach two instances get one answer from each.
 */
export function createReplyGroups(telegram: Telegram, tasks: BackgroundTasks, settleMs = SETTLE_MS) {
  const groups = new Map<string, Group>();

  async function settle(key: string): Promise<void> {
    for (let group = groups.get(key); group; group = groups.get(key)) {
      const wait = group.last + settleMs - Date.now();
      if (wait <= 0) break;
      await sleep(wait);
    }
    const group = groups.get(key);
    groups.delete(key);
    if (!group) return;
    if (group.render && group.count > 1 && group.messageId !== null) {
      await telegram.editMessageText(group.chatId, group.messageId, undefined, group.render(group.count)).catch(() => {});
    }
    await group.settled?.();
  }

  /** The burst's group, made (and its settling started) by its first update. */
  function groupOf(chatId: number, kind: string): { group: Group; first: boolean } {
    const key = `${chatId}:${kind}`;
    const known = groups.get(key);
    if (known) {
      known.count += 1;
      known.last = Date.now();
      return { group: known, first: false };
    }
    const group: Group = { chatId, messageId: null, count: 1, last: Date.now() };
    groups.set(key, group);
    tasks.run('reply-group', () => settle(key));
    return { group, first: true };
  }

  return {
    /**
     * Replies `render(1)`, unless a reply of this `kind` went to the chat in
     * the current burst: then it is counted into that one.
     */
    async reply(chatId: number, kind: string, render: (count: number) => string): Promise<void> {
      const { group, first } = groupOf(chatId, kind);
      if (!first) return;
      group.render = render;
      group.messageId = (await telegram.sendMessage(chatId, render(1))).message_id;
    },
    /** Runs `work` once the burst of `kind` in this chat is over (an album's last photo handled, a second of quiet). */
    afterBurst(chatId: number, kind: string, work: () => Promise<void>): void {
      groupOf(chatId, kind).group.settled = work;
    },
  };
}
