import { randomBytes } from 'node:crypto';
import type { FalAnswer, FalHttp } from '../fal/fal-http.js';

/**
 * Questions about one FAL queue job, asked through the URLs FAL handed us at
 * submit (status, response, cancel) — never rebuilt from the model id. Trainings
 * and generations share them.
 */

export type FalVerdict =
  /** Still queued or running; `queuePosition` while queued, the latest log line while running (when FAL sends logs). */
  | { state: 'running'; phase: 'queued' | 'running'; queuePosition: number | null; log: string | null }
  | { state: 'done'; output: unknown }
  /**
   * FAL has no FAILED status: a failed job is COMPLETED and its result fetch
   * answers an error — a 4xx, or a runner error (503/504 with FAL's `error_type`).
   */
  | { state: 'failed'; reason: string; body: unknown }
  /** No usable answer (network, 5xx): the next check asks again. */
  | { state: 'unknown'; detail: string }
  /** FAL does not know the job (404): what a queued job is once a cancel removed it. */
  | { state: 'gone'; detail: string };

/** The human part of a FAL error answer (`{ detail }`), short enough for a log line or a row. */
const detailOf = (answer: FalAnswer) => {
  const body = answer.body as { detail?: unknown } | string;
  const detail = typeof body === 'object' && body !== null && 'detail' in body ? body.detail : body;
  return (typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 500);
};

/** Where a job stands: its status (with its logs, `?logs=1`), and when it is COMPLETED, its result. */
export async function askFal(falHttp: FalHttp, statusUrl: string, responseUrl: string): Promise<FalVerdict> {
  try {
    // 200 when running or done, 202 while it waits in the queue: any 2xx with a status is an answer.
    const status = await falHttp.get(withLogs(statusUrl));
    if (status.status === 404) return { state: 'gone', detail: `status answered 404: ${detailOf(status)}` };
    if (!isOk(status)) return { state: 'unknown', detail: `status answered ${status.status}: ${detailOf(status)}` };
    const body = status.body as { status?: unknown; queue_position?: unknown; logs?: unknown };
    if (body.status !== 'COMPLETED') {
      const logs = Array.isArray(body.logs) ? (body.logs as { message?: unknown }[]) : [];
      const last = logs.findLast((l) => typeof l?.message === 'string')?.message as string | undefined;
      return {
        state: 'running',
        phase: body.status === 'IN_QUEUE' ? 'queued' : 'running',
        queuePosition: typeof body.queue_position === 'number' ? body.queue_position : null,
        log: last ? last.slice(0, 200) : null,
      };
    }
    return resultOf(await falHttp.get(responseUrl));
  } catch (error) {
    return { state: 'unknown', detail: (error as Error).message };
  }
}

const withLogs = (url: string) => `${url}${url.includes('?') ? '&' : '?'}logs=1`;

const isOk = (answer: FalAnswer) => answer.status >= 200 && answer.status < 300;

/** What a COMPLETED job's result URL answered. */
export function resultOf(result: FalAnswer): FalVerdict {
  if (isOk(result)) return { state: 'done', output: result.body };
  if (result.errorType || (result.status >= 400 && result.status < 500)) {
    const reason = `result fetch answered ${result.status}${result.errorType ? ` ${result.errorType}` : ''}: ${detailOf(result)}`;
    return { state: 'failed', reason, body: result.body };
  }
  return { state: 'unknown', detail: `result fetch answered ${result.status}: ${detailOf(result)}` };
}

/** A key per submit attempt, carried in the webhook URL (`?key=`): the webhook of a job whose submit answer was lost still finds its row. */
export const newSubmitKey = () => randomBytes(16).toString('hex');

/** Our webhook URL for one submit attempt. */
export const webhookUrlFor = (publicUrl: string, submitKey: string) => `${publicUrl}/webhooks/fal?key=${submitKey}`;

/** What submit returned: the correlation key and the URLs every later question uses. */
type SubmittedJob = { requestId: string; statusUrl: string; responseUrl: string; cancelUrl: string };

export type SubmitResult =
  | { ok: true; job: SubmittedJob }
  /** FAL answered and did not queue the job (a 4xx): nothing runs, nothing is billed; `temporary` for 429. */
  | { ok: false; queued: false; temporary: boolean; detail: string }
  /** No answer, or a 5xx: FAL may have queued the job. The submit key in the webhook URL finds it if so. */
  | { ok: false; queued: 'unknown'; detail: string };

/**
 * Submits a job to FAL's queue, once: `POST https://queue.fal.run/<model>?fal_webhook=<url>`
 * (no webhook for a job whose caller waits for it: the prompt assistant).
 * Never retried here — a lost answer after FAL queued the job would make a
 * second paid job — and never thrown: the caller decides by the result.
 */
export async function submitJob(falHttp: FalHttp, modelId: string, input: unknown, webhookUrl: string | null): Promise<SubmitResult> {
  let answer: FalAnswer;
  const query = webhookUrl ? `?fal_webhook=${encodeURIComponent(webhookUrl)}` : '';
  try {
    answer = await falHttp.post(`https://queue.fal.run/${modelId}${query}`, input);
  } catch (error) {
    return { ok: false, queued: 'unknown', detail: (error as Error).message };
  }
  const body = answer.body as Partial<Record<'request_id' | 'status_url' | 'response_url' | 'cancel_url', unknown>> | null;
  if (isOk(answer) && typeof body?.request_id === 'string') {
    const url = (value: unknown) => (typeof value === 'string' ? value : '');
    const job = {
      requestId: body.request_id,
      statusUrl: url(body.status_url),
      responseUrl: url(body.response_url),
      cancelUrl: url(body.cancel_url),
    };
    return { ok: true, job };
  }
  const detail = `submit answered ${answer.status}: ${detailOf(answer)}`;
  if (answer.status >= 400 && answer.status < 500) return { ok: false, queued: false, temporary: answer.status === 429, detail };
  return { ok: false, queued: 'unknown', detail };
}

/** `requested`: FAL took the cancel; `too_late`: it refused (the job is finishing); `unreachable`: no answer. */
export type CancelResult = 'requested' | 'too_late' | 'unreachable';

/** Asks FAL to cancel a job. Never throws: callers that only want the job gone ignore the result. */
export async function cancelFalJob(falHttp: FalHttp, cancelUrl: string): Promise<CancelResult> {
  try {
    const answer = await falHttp.put(cancelUrl);
    if (answer.status >= 500) return 'unreachable';
    return answer.status >= 400 ? 'too_late' : 'requested';
  } catch {
    return 'unreachable';
  }
}
