import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pocketsphinxEndSilenceMs } from '../providers/registry.ts';
import type { AgentRow } from './load.ts';
import { vadSilenceMs, voiceBehaviour } from './voice-params.ts';

const agent = (voiceParams: Record<string, unknown>) => ({ voiceParams }) as unknown as AgentRow;

test("the VAD's end-of-speech silence follows minEndpointingDelay, within bounds", () => {
  const silence = (minEndpointingDelay?: number) =>
    vadSilenceMs(voiceBehaviour(agent(minEndpointingDelay === undefined ? {} : { minEndpointingDelay })));
  // The default delay (0.5 s) and shorter ones are what the caller gets, not silero's 550 ms.
  assert.equal(silence(), 500);
  assert.equal(silence(0.3), 300);
  // Never so short that pauses inside a sentence end the speech, never longer than silero's own.
  assert.equal(silence(0.05), 200);
  assert.equal(silence(0), 200);
  assert.equal(silence(2), 550);
});

test("pocketsphinx finishes an utterance before the agent's turn silence is over", () => {
  assert.equal(pocketsphinxEndSilenceMs(undefined), 500);
  assert.equal(pocketsphinxEndSilenceMs(300), 200);
  assert.equal(pocketsphinxEndSilenceMs(500), 400);
  assert.equal(pocketsphinxEndSilenceMs(200), 150);
  assert.equal(pocketsphinxEndSilenceMs(3000), 500);
});
