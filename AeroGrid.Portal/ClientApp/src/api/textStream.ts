import { bffFetch } from './client';

/**
 * Follows a streamed text answer (a log) and hands each decoded piece to `onText` as it arrives. Resolves when the
 * server ends the stream; rejects with an ApiError when it refuses (404 when there is no log yet); an abort through
 * `signal` resolves quietly.
 */
export async function followText(url: string, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
  try {
    const response = await bffFetch(url, { signal, headers: { Accept: 'text/plain' } });
    if (!response.body) {
      onText(await response.text());
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onText(value);
    }
  } catch (e) {
    if (signal.aborted) return;
    throw e;
  }
}
