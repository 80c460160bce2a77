import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { promptRewrites } from '../../db/schema.js';
import type { FalHttp } from '../../fal/fal-http.js';
import type { Avatar } from '../avatars.js';
import { askLlm } from './llm.js';

/**
 * The prompt assistant: the user's words (Russian or English) rewritten by an
 * LLM into the English prompt FLUX draws best, and a picture's prompt moved to
 * a new setting for "🔁 Вариация". It fails open: no answer in time, an error,
 * an empty or over-long answer — the caller draws the user's own words. A
 * refusal is the only answer that stops a picture.
 */

/** How each rewrite ended, for /metrics: a model call was paid for all but `cached`. */
export type PromptOutcome = 'rewritten' | 'cached' | 'refused' | 'timeout' | 'error' | 'empty' | 'too_long';

export type Rewrite = { kind: 'rewritten'; english: string } | { kind: 'refused' } | { kind: 'original' };

/** The English prompt's longest: FLUX reads about 500 tokens, and our own prompt limit is 1000 characters. */
const MAX_ANSWER = 1000;
const REFUSED = 'REFUSED';

type Subject = Pick<Avatar, 'trainingType' | 'gender'>;

const subjectOf = (avatar: Subject) =>
  avatar.trainingType === 'style'
    ? 'an artistic style the app applies by itself; the prompt describes only the scene, with no art style, medium or artist named'
    : `one real person, "the ${avatar.gender === 'male' ? 'man' : avatar.gender === 'female' ? 'woman' : 'person'}" (the app adds who it is)`;

const RULES = [
  'Answer with one English prompt, one paragraph of 20 to 80 words, and nothing else: no quotes, no preface, no notes.',
  'Never add another person: the picture shows the subject alone unless the user explicitly asks for others.',
  "Do not describe the subject's face, age or body beyond what the user said. Never write a name or a trigger word.",
  `If the request asks for sexual or nude content (the subject is a real person), anything sexual or violent involving a minor, or anything illegal, answer exactly: ${REFUSED}`,
];

function rewriteInstructions(avatar: Subject): string {
  return [
    'You write prompts for FLUX, a text-to-image model, in a personal avatar app.',
    `The user describes, in any language (often Russian), a picture whose subject is ${subjectOf(avatar)}.`,
    'Keep everything the user asked for — people, clothes, pose, place, time, mood, colours — translated faithfully, never replaced.',
    'Add what FLUX needs when the user did not say it: shot type and framing, lighting, lens or medium, background detail. A short request gets more, a detailed one little: an English prompt that is already rich stays close to itself.',
    ...RULES,
  ].join('\n');
}

function variationInstructions(avatar: Subject): string {
  return [
    'You write prompts for FLUX, a text-to-image model, in a personal avatar app.',
    `You get a prompt whose subject is ${subjectOf(avatar)}, and a new setting.`,
    'Answer with the same prompt moved to the new setting: keep the subject, clothes, pose, mood and style; change the place, background and light to suit the setting.',
    ...RULES,
  ].join('\n');
}

/** The model's answer as a prompt: one line, without the quotes or label a model may add. */
function cleaned(answer: string): string {
  return answer
    .replace(/^```[a-z]*\s*|\s*```$/g, '')
    .replace(/^\s*(english\s+)?prompt\s*:\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“«](.*)["'”»]$/, '$1')
    .trim();
}

/** A refusal: the agreed word, or the apology a model may write instead of it. */
const isRefusal = (text: string) =>
  text.toUpperCase().startsWith(REFUSED) || /^(i'?m sorry|i am sorry|sorry|i can(no|')t|i cannot)\b/i.test(text);

export type PromptAssistantDeps = {
  db: Db;
  falHttp: FalHttp;
  logger: Logger;
  config: Pick<Config, 'prompts'>;
  /** Counts each rewrite's outcome (/metrics). */
  onOutcome?: (outcome: PromptOutcome) => void;
};

export type PromptAssistant = ReturnType<typeof createPromptAssistant>;

export function createPromptAssistant(deps: PromptAssistantDeps) {
  const { db, falHttp, logger, config } = deps;
  const { model, timeoutMs } = config.prompts;

  /** The cached answer for these instructions and words, else one model call (its answer cached unless it failed). */
  async function ask(instructions: string, words: string, log: Logger): Promise<Rewrite> {
    const key = createHash('sha256').update(`v1\n${model}\n${instructions}\n${words}`).digest('hex');
    const [cached] = await db.select().from(promptRewrites).where(eq(promptRewrites.key, key));
    if (cached) {
      deps.onOutcome?.('cached');
      return cached.verdict === 'refused' || !cached.prompt ? { kind: 'refused' } : { kind: 'rewritten', english: cached.prompt };
    }
    const started = performance.now();
    const answer = await askLlm(falHttp, { model, systemPrompt: instructions, prompt: words, maxTokens: 300, temperature: 0.4 }, timeoutMs);
    const ms = Math.round(performance.now() - started);
    const fallBack = (outcome: PromptOutcome, detail: string): Rewrite => {
      deps.onOutcome?.(outcome);
      log.warn({ outcome, detail, ms, model }, 'prompt assistant failed: the user’s words are drawn');
      return { kind: 'original' };
    };
    if (!answer.ok) return fallBack(answer.reason, answer.detail);
    const text = cleaned(answer.text);
    if (!text) return fallBack('empty', 'the model answered nothing');
    if (isRefusal(text)) {
      await db.insert(promptRewrites).values({ key, verdict: 'refused', prompt: null }).onConflictDoNothing();
      deps.onOutcome?.('refused');
      log.info({ ms, model }, 'prompt refused by the assistant');
      return { kind: 'refused' };
    }
    if (text.length > MAX_ANSWER) return fallBack('too_long', `${text.length} characters`);
    await db.insert(promptRewrites).values({ key, verdict: 'rewritten', prompt: text }).onConflictDoNothing();
    deps.onOutcome?.('rewritten');
    log.info({ ms, model }, 'prompt rewritten');
    return { kind: 'rewritten', english: text };
  }

  return {
    /** The user's words as an English prompt for this avatar (its trigger is added later, as to any prompt). */
    rewrite(avatar: Subject, words: string, log: Logger = logger): Promise<Rewrite> {
      return ask(rewriteInstructions(avatar), words.trim().replace(/\s+/g, ' '), log);
    },
    /** A picture's prompt moved to `setting`. */
    vary(avatar: Subject, prompt: string, setting: string, log: Logger = logger): Promise<Rewrite> {
      return ask(variationInstructions(avatar), `Prompt: ${prompt}\nNew setting: ${setting}`, log);
    },
  };
}
