import type { Telegram } from 'telegraf';
import type { BackgroundTasks } from '../runtime/background-tasks.js';
import type { View } from './views/view.js';

/** How long a chat must be quiet before a group of like replies is final. */
const SETTLE_MS = 1000;
/**
 * The same for the replies to one album: Telegram delivers its photos one at a time, each after our
 * answer to the one before, and a slow phone or a retry spaces them out — 1.5 s apart is still one album.
 */
const ALBUM_SETTLE_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Group = {
  chatId: number;
  settleMs: number;
  messageId: number | null;
  count: number;
  last: number;
  render?: (count: number) => string;
  /** The reply's buttons, kept when it is summed up. */
  markup?: View['markup'];
  /** Runs once the burst is over (the latest one given wins). */
  settled?: () => Promise<void>;
};

export type ReplyGroups = ReturnType<typeof createReplyGroups>;

/**
 * One answer per burst. A series of photos arrives one right after another
 * (an album's as updates of one `media_group_id`, which Telegram delivers one
 * at a time): the first of a kind of reply (same chat, same key, same album) is
 * sent at once; the ones like it that follow are only counted, and once the
 * chat has been quiet for a second — three for an album — the first is edited
 * to sum them up ("❌ 3 фото не приняты: …"). Work can wait for a burst's end
 * too (the upload step then moves its progress message below the album). Kept
 * in this process: updates of one burst that reach two instances get one
 * answer from each.
 */
export function createReplyGroups(telegram: Telegram, tasks: BackgroundTasks) {
  const groups = new Map<string, Group>();

  async function settle(key: string): Promise<void> {
    for (let group = groups.get(key); group; group = groups.get(key)) {
      const wait = group.last + group.settleMs - Date.now();
      if (wait <= 0) break;
      await sleep(wait);
    }
    const group = groups.get(key);
    groups.delete(key);
    if (!group) return;
    const summed = group.render && group.count > 1 ? group.render(group.count) : undefined;
    if (summed !== undefined && summed !== group.render?.(1) && group.messageId !== null) {
      await telegram.editMessageText(group.chatId, group.messageId, undefined, summed, group.markup).catch(() => {});
    }
    await group.settled?.();
  }

  /** The burst's group, made (and its settling started) by its first update. */
  function groupOf(chatId: number, kind: string, album: string | undefined): { group: Group; first: boolean } {
    const key = `${chatId}:${kind}:${album ?? ''}`;
    const known = groups.get(key);
    if (known) {
      known.count += 1;
      known.last = Date.now();
      return { group: known, first: false };
    }
    const group: Group = { chatId, settleMs: album ? ALBUM_SETTLE_MS : SETTLE_MS, messageId: null, count: 1, last: Date.now() };
    groups.set(key, group);
    tasks.run('reply-group', () => settle(key));
    return { group, first: true };
  }

  return {
    /**
     * Replies `render(1)`, unless a reply of this `kind` went to the chat in
     * the current burst (of this `album`, for a photo of one): then it is counted into that one.
     */
    async reply(chatId: number, kind: string, render: (count: number) => string, album?: string, markup?: View['markup']): Promise<void> {
      const { group, first } = groupOf(chatId, kind, album);
      if (!first) return;
      group.render = render;
      group.markup = markup;
      group.messageId = (await telegram.sendMessage(chatId, render(1), markup)).message_id;
    },
    /** Runs `work` once the burst of `kind` in this chat (of this `album`) is over: its last update handled, then quiet. */
    afterBurst(chatId: number, kind: string, work: () => Promise<void>, album?: string): void {
      groupOf(chatId, kind, album).group.settled = work;
    },
  };
}

/** The album (`media_group_id`) a message belongs to, if any: its replies are grouped by it. */
export const albumOf = (ctx: { message?: unknown }): string | undefined =>
  (ctx.message as { media_group_id?: string } | undefined)?.media_group_id;
