import { completedMainAvatar, percentile, report, SECRET, startApp } from './support.js';

const LLM_MS = 1000;
const RUNS = 10;

/**
 * The prompt assistant's cost in time: from the user's message to the picture's
 * submit at FAL, with the fake `openrouter/router` answering in 1 s, against
 * the same path with the assistant off.
 */
export async function promptAssistant(adminUrl: string, dataDir: string) {
  const section = 'prompt assistant';
  const timings: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (const mode of ['off', 'on'] as const) {
    const env = await startApp(adminUrl, `bench_prompts_${mode}`, dataDir, { PROMPT_ASSISTANT: mode, MAX_RUNNING_GENERATIONS: '10' });
    env.fal.state.llm.delayMs = LLM_MS;
    env.fal.state.llm.reply = (input) => `the woman, ${String(input.prompt)}, golden hour, 50mm lens`;
    await env.deps.bot.telegram.getMe().catch(() => {});
    let updateId = 8_000_000;
    const from = { id: 9500, is_bot: false, first_name: 'Prompt', language_code: 'ru' };
    const say = async (text: string) => {
      const res = await fetch(`${env.url}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify({
          update_id: updateId++,
          message: { message_id: updateId, date: 1_790_000_000, chat: { id: from.id, type: 'private' }, from, text },
        }),
      });
      await res.arrayBuffer();
    };
    await say('/start');
    const _avatar = await completedMainAvatar(env, from.id);

    for (let i = 0; i < RUNS; i++) {
      const submitted = new Promise<number>((resolve) => {
        env.fal.state.onSubmit = async (submission) => {
          if (submission.modelId === 'fal-ai/flux-lora') resolve(performance.now());
        };
      });
      const t0 = performance.now();
      await say(`я в красном платье на пляже, кадр ${i}`);
      timings[mode].push((await submitted) - t0);
    }
    await env.deps.tasks.drain(10_000);
    await env.close();
  }
  const on = percentile(timings.on, 50);
  const off = percentile(timings.off, 50);
  report(section, 'message → picture submitted, assistant off, p50', `${off.toFixed(0)} ms`, `${RUNS} prompts`);
  report(
    section,
    'message → picture submitted, LLM answering in 1 s, p50 / max',
    `${on.toFixed(0)} / ${Math.max(...timings.on).toFixed(0)} ms`,
    `${RUNS} new prompts; target ≤ 1500 ms; overhead over the LLM's own second ${(on - off - LLM_MS).toFixed(0)} ms`,
  );
}
