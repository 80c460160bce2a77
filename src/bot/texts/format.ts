/** Small formatting pieces the language files share. */

/** `20 MB` / `512 KB`, with the language's unit names. */
export const size = (bytes: number, mb: string, kb: string) =>
  bytes >= 1024 * 1024 ? `${Math.floor(bytes / 1024 / 1024)} ${mb}` : `${Math.floor(bytes / 1024)} ${kb}`;

/**
 * The one way a moment is written: `1 Dec 2026, 14:05 UTC` — the month in words, never 01/12 vs 12/01, and the
 * zone named, as Telegram does not tell a user's. One formatter per language: building one costs ~60 µs.
 */
export function dateTimeFormat(locale: string): (date: Date) => string {
  const format = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });
  return (date) => format.format(date);
}

/** A ten-cell progress bar: `███░░░░░░░`. */
const bar = (ratio: number) => {
  const filled = Math.round(Math.min(1, ratio) * 10);
  return '█'.repeat(filled) + '░'.repeat(10 - filled);
};

/** `📊 ███░░░░░░░ 30%`. */
export const progressLine = (uploaded: number, max: number) => `📊 ${bar(uploaded / max)} ${Math.round((uploaded / max) * 100)}%`;

/** Telegram's caption limit, in UTF-16 code units as it counts them. */
export const CAPTION_LIMIT = 1024;

const graphemes = new Intl.Segmenter();

/**
 * `text` cut to at most `max` UTF-16 units at a character boundary — never
 * inside a surrogate pair or an emoji sequence, which Telegram would refuse —
 * with "…" when something was cut.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept}…`;
}

/** `15–25`, or `1` when the range is one number. */
export const range = ([a, b]: [number, number]) => (a === b ? `${a}` : `${a}–${b}`);

/** A span of seconds as it is said: `20 s` under two minutes, else whole minutes (`15–25 min`), in the language's units. */
export const span = ([a, b]: [number, number], units: { s: string; min: string }) =>
  b < 120 ? `${range([a, b])} ${units.s}` : `${range([Math.ceil(a / 60), Math.ceil(b / 60)])} ${units.min}`;

/**
 * A trainer's log line as the user can read it: the step it is at (`step 1339/2500`,
 * a progress bar's `1339/2500 [..]`), in the language's words, else its percent;
 * null for a line in the trainer's own words, which is not shown.
 */
export function trainerProgress(log: string | null, step: (done: number, total: number) => string): string | null {
  if (!log) return null;
  const steps = /(\d+)\s*\/\s*(\d+)/.exec(log);
  if (steps && Number(steps[2]) > 0) return step(Number(steps[1]), Number(steps[2]));
  const percent = /(\d{1,3})\s*%/.exec(log);
  return percent ? `${percent[1]} %` : null;
}
