import { eq } from 'drizzle-orm';
import t from 'tap';
import { avatars, generations, users } from '../src/db/schema.js';
import { runnerError, type Submission } from './support/fakes/fal-api.js';
import { ALICE, buildTestApp, callbackUpdate, postUpdate, type TestEnv, textUpdate } from './support/helper.js';
import { balanceOf, entriesOf } from './support/paid.js';
import { seedAvatar, userOf } from './support/seed.js';
import type { Message } from './support/wizard-driver.js';

/**
 * The prompt assistant: the user's words rewritten into English by FAL's
 * `openrouter/router` (the fake answers as FAL's queue does), the trigger added
 * once by our code; failing open to the user's words; refusals charge nothing;
 * answers cached; ideas and variations.
 */

const ON = { PROMPT_ASSISTANT: 'on', MAX_RUNNING_GENERATIONS: '10' };
const RU = 'я в красном платье на пляже';
const EN = 'the woman in a red dress on a sunny beach, golden hour, full-body shot, 50mm lens';

const llmCalls = (env: TestEnv) => env.fal.state.submissions.filter((s) => s.modelId === 'openrouter/router');
const pictures = (env: TestEnv) => env.fal.state.submissions.filter((s) => s.modelId === 'fal-ai/flux-lora');
const lastText = (env: TestEnv) => String(env.telegram.callsOf('sendMessage').at(-1)?.payload.text);
const buttonsOf = (markup: unknown) =>
  ((markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
const counted = async (env: TestEnv, outcome: string) => {
  const text = await env.deps.metrics.registry.getSingleMetricAsString('avatar_bot_prompt_rewrites_total');
  return Number(new RegExp(`outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

/** A user whose main avatar is trained: any text they type is a prompt. */
async function readyUser(env: TestEnv) {
  const alice = await userOf(env, ALICE);
  const avatar = await seedAvatar(env, alice.id, 'Anna', 'completed', new Date());
  await env.deps.db.update(users).set({ mainAvatarId: avatar.id }).where(eq(users.id, alice.id));
  return { alice, avatar };
}

/** Types `words` and waits for what they lead to; returns the picture submitted, if one was. */
async function draw(env: TestEnv, words: string): Promise<Submission | undefined> {
  const before = pictures(env).length;
  await postUpdate(env.app, textUpdate(words, ALICE));
  await env.deps.tasks.drain(10_000);
  return pictures(env).length > before ? pictures(env).at(-1) : undefined;
}

const rowOf = async (env: TestEnv, submission: Submission | undefined) =>
  (
    await env.deps.db
      .select()
      .from(generations)
      .where(eq(generations.falRequestId, String(submission?.requestId)))
  )[0];

t.test('a Russian prompt is drawn from the English one the assistant wrote, the trigger added once; the user can see both', async (t) => {
  const env = await buildTestApp(t, ON);
  env.fal.state.llm.reply = () => `"${EN}"`;
  const { avatar } = await readyUser(env);

  const picture = await draw(env, RU);
  const [llm] = llmCalls(env);
  t.equal(llm?.webhookUrl, null, 'the LLM is asked through the queue and waited for: no webhook');
  t.match(llm?.input, { model: 'google/gemini-2.5-flash-lite', prompt: RU, max_tokens: 300 });
  t.match(llm?.input.system_prompt, /"the woman"/, 'the assistant knows the subject');
  t.match(llm?.input.system_prompt, /Never add another person/);
  t.equal(picture?.input.prompt, `TOK_0000abcd woman, ${EN}`, 'the answer, unquoted, with the trigger added by our code');
  t.ok(
    env.telegram.callsOf('sendChatAction').some((c) => c.payload.action === 'typing'),
    'the user sees the bot typing while the LLM writes',
  );

  const row = await rowOf(env, picture);
  t.match(row, { prompt: RU, englishPrompt: EN, avatarId: avatar.id });
  await postUpdate(env.app, callbackUpdate(`gen_prompt:${row!.id}`, 9, ALICE));
  t.equal(lastText(env), `📝 Ваш запрос:\n\n${RU}\n\n🇬🇧 Промпт для модели:\n\n${EN}`);
  t.equal(await counted(env, 'rewritten'), 1);

  // The same words again, and "🔁 Ещё": one model call in all.
  const again = await draw(env, `  ${RU} `);
  t.equal(again?.input.prompt, `TOK_0000abcd woman, ${EN}`);
  await postUpdate(env.app, callbackUpdate(`gen_again:${row!.id}`, 9, ALICE));
  await env.deps.tasks.drain(10_000);
  t.equal(pictures(env).at(-1)?.input.prompt, `TOK_0000abcd woman, ${EN}`);
  t.equal(pictures(env).length, 3);
  t.equal(llmCalls(env).length, 1, 'a cached answer costs no second call');
  t.equal(await counted(env, 'cached'), 1);
});

t.test('no answer in time, an error, an empty or an over-long answer: the user’s words are drawn, and the failure counted', async (t) => {
  const env = await buildTestApp(t, { ...ON, PROMPT_TIMEOUT_MS: '600' });
  await readyUser(env);

  env.fal.state.llm.reply = () => 'never';
  const started = Date.now();
  const slow = await draw(env, 'кот в шляпе');
  t.ok(Date.now() - started < 5000, 'the picture does not wait for the LLM past the timeout');
  t.equal(slow?.input.prompt, 'TOK_0000abcd woman, кот в шляпе');
  t.equal((await rowOf(env, slow))?.englishPrompt, null);
  const llmJob = llmCalls(env).at(-1)!.requestId;
  t.ok(
    env.fal.state.queueRequests.some((r) => r === `PUT /openrouter/router/requests/${llmJob}/cancel`),
    'the unanswered LLM job is cancelled',
  );
  t.equal(await counted(env, 'timeout'), 1);
  t.ok(
    env.logs.lines.some((l) => l.includes('prompt assistant failed') && l.includes('"outcome":"timeout"')),
    'the fallback is logged',
  );

  env.fal.state.llm.reply = () => runnerError(503, 'runner_disconnected', 'Runner disconnected');
  t.equal((await draw(env, 'рыцарь в замке'))?.input.prompt, 'TOK_0000abcd woman, рыцарь в замке');
  t.equal(await counted(env, 'error'), 1);

  env.fal.state.llm.reply = () => ({ status: 200, body: { output: '', error: 'upstream model overloaded' } });
  t.equal((await draw(env, 'в горах зимой'))?.input.prompt, 'TOK_0000abcd woman, в горах зимой');
  t.equal(await counted(env, 'error'), 2, 'an error in the output is an error');

  env.fal.state.llm.reply = () => '   ';
  t.equal((await draw(env, 'на крыше ночью'))?.input.prompt, 'TOK_0000abcd woman, на крыше ночью');
  t.equal(await counted(env, 'empty'), 1);

  env.fal.state.llm.reply = () => 'word '.repeat(400);
  t.equal((await draw(env, 'в библиотеке'))?.input.prompt, 'TOK_0000abcd woman, в библиотеке');
  t.equal(await counted(env, 'too_long'), 1);

  // A failure is not cached: the next time the model answers, its answer is used.
  env.fal.state.llm.reply = () => 'the woman wearing a hat, holding a cat, studio portrait';
  t.equal((await draw(env, 'кот в шляпе'))?.input.prompt, 'TOK_0000abcd woman, the woman wearing a hat, holding a cat, studio portrait');
});

t.test(
  'a prompt the assistant refuses is refused in plain words: nothing submitted, nothing charged, the prompt may be typed again',
  async (t) => {
    const env = await buildTestApp(t, { ...ON, PRICE_GENERATION: '10', FREE_CREDITS: '50' });
    const { avatar } = await readyUser(env);
    env.fal.state.llm.reply = () => 'REFUSED';

    // From the card's "🎨 Генерировать": format, then the prompt.
    await postUpdate(env.app, callbackUpdate(`avatar_generate:${avatar.id}`, 7, ALICE, { photo: [{ file_id: 'x' }] }));
    const offer = env.telegram.callsOf('sendMessage').at(-1)!;
    await postUpdate(env.app, callbackUpdate(`gen_format:${avatar.id}:square`, (offer.result as Message).message_id, ALICE));
    t.equal(await draw(env, 'что-то недопустимое'), undefined, 'no picture submitted');
    t.match(lastText(env), /^🚫 Такое я рисовать не буду: .* Опишите картинку иначе\. Ничего не списано\.$/);
    t.notOk(
      (await entriesOf(env, ALICE)).some((e) => e.kind === 'generation'),
      'nothing charged',
    );
    t.same(await env.deps.db.select().from(generations).where(eq(generations.prompt, 'что-то недопустимое')), [], 'nothing recorded');
    t.equal(await counted(env, 'refused'), 1);

    // A model that apologises instead of the agreed word refuses too; the step is kept for another try.
    env.fal.state.llm.reply = () => "I'm sorry, but I can't help with that request.";
    t.equal(await draw(env, 'ещё что-то недопустимое'), undefined);
    t.match(lastText(env), /^🚫/);
    env.fal.state.llm.reply = () => 'the woman on a quiet beach, soft light';
    const picture = await draw(env, 'на пляже');
    t.equal(picture?.input.prompt, 'TOK_0000abcd woman, the woman on a quiet beach, soft light');
    t.equal(picture?.input.image_size, 'square_hd', 'the format chosen before the refusals');
    t.equal(await balanceOf(env, ALICE), 40, 'the free 50 Stars, less the one picture drawn');
  },
);

t.test('PROMPT_ASSISTANT=off draws the words as typed, with no model call', async (t) => {
  const env = await buildTestApp(t, { ...ON, PROMPT_ASSISTANT: 'off' });
  await readyUser(env);
  t.equal((await draw(env, RU))?.input.prompt, `TOK_0000abcd woman, ${RU}`);
  t.equal(llmCalls(env).length, 0);
});

t.test('"✨ Идеи" offers five ideas for the avatar; one tap draws one; "🔁 Вариация" moves a picture to a new setting', async (t) => {
  const env = await buildTestApp(t, ON);
  const { avatar } = await readyUser(env);

  await postUpdate(env.app, callbackUpdate(`avatar_ideas:${avatar.id}`, 7, ALICE, { photo: [{ file_id: 'x' }] }));
  const ideas = env.telegram.callsOf('sendMessage').at(-1)!;
  t.equal(ideas.payload.text, '✨ Идеи для аватара «Anna» — нажмите, и я нарисую:');
  const buttons = buttonsOf(ideas.payload.reply_markup);
  t.equal(buttons.length, 6, 'five ideas and "other ideas"');
  t.equal(new Set(buttons.slice(0, 5).map((b) => b.text)).size, 5, 'five different ideas');
  t.match(buttons[5], { text: '🔄 Другие идеи', callback_data: `avatar_ideas:${avatar.id}` });

  const idea = buttons[0]!;
  t.match(idea.callback_data, new RegExp(`^gen_idea:${avatar.id}:[a-z]+$`));
  await postUpdate(env.app, callbackUpdate(idea.callback_data, (ideas.result as Message).message_id, ALICE));
  await env.deps.tasks.drain(10_000);
  const drawn = pictures(env).at(-1);
  t.match(drawn?.input.prompt, /^TOK_0000abcd woman, \S.{30,}/, 'the idea’s own English prompt, with the trigger');
  t.equal(llmCalls(env).length, 0, 'an idea needs no model call');
  const row = await rowOf(env, drawn);
  t.equal(row?.prompt, idea.text, 'the idea’s title is what the user asked for');

  env.fal.state.llm.reply = (input) =>
    `${/^Prompt: (.*)\n/.exec(String(input.prompt))?.[1]}, now ${/New setting: (.*)$/.exec(String(input.prompt))?.[1]}`;
  await postUpdate(env.app, callbackUpdate(`gen_vary:${row!.id}`, 9, ALICE));
  await env.deps.tasks.drain(10_000);
  const [vary] = llmCalls(env);
  t.match(vary?.input.prompt, new RegExp(`^Prompt: ${row!.englishPrompt!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nNew setting: \\S`));
  t.match(vary?.input.system_prompt, /moved to the new setting|same prompt moved/);
  const varied = pictures(env).at(-1);
  t.match(varied?.input.prompt, /^TOK_0000abcd woman, .*, now \S/);
  t.not(varied?.requestId, drawn?.requestId);
  t.equal((await rowOf(env, varied))?.prompt, idea.text, 'a variation keeps what the user asked for');

  // The card offers the ideas too, next to "🎨 Генерировать".
  await postUpdate(env.app, textUpdate('🎭 Мои аватары', ALICE));
  const card = env.telegram.callsOf('sendPhoto').at(-1)!;
  t.same(
    buttonsOf(card.payload.reply_markup)
      .slice(0, 2)
      .map((b) => b.text),
    ['🎨 Генерировать', '✨ Идеи'],
  );
  const [stored] = await env.deps.db.select({ type: avatars.trainingType }).from(avatars).where(eq(avatars.id, avatar.id));
  t.equal(stored?.type, 'portrait');
});
