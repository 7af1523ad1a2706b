import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pocketsphinxEndSilenceMs } from '../providers/registry.ts';
import type { AgentRow } from './load.ts';
import {
  endpointingDelayMs,
  turnSilenceMs,
  VAD_SILENCE_LAG_MS,
  vadSilenceMs,
  voiceBehaviour,
} from './voice-params.ts';

const agent = (voiceParams: Record<string, unknown>) => ({ voiceParams }) as unknown as AgentRow;

const behaviour = (minEndpointingDelay?: number) =>
  voiceBehaviour(agent(minEndpointingDelay === undefined ? {} : { minEndpointingDelay }));

test("the VAD's end-of-speech silence follows minEndpointingDelay less the VAD's lag, within bounds", () => {
  const silence = (minEndpointingDelay?: number) => vadSilenceMs(behaviour(minEndpointingDelay));
  assert.equal(VAD_SILENCE_LAG_MS, 80);
  // The default delay (0.5 s) and shorter ones are what the caller gets, not silero's 550 ms.
  assert.equal(silence(), 420);
  assert.equal(silence(0.3), 220);
  // Never so short that pauses inside a sentence end the speech, never longer than silero's own.
  assert.equal(silence(0.05), 200);
  assert.equal(silence(0), 200);
  assert.equal(silence(2), 550);
});

test('for an STT that transcribes whole utterances the VAD waits the full delay', () => {
  const whole = (minEndpointingDelay?: number) =>
    vadSilenceMs(behaviour(minEndpointingDelay), { wholeUtterances: true });
  // Its end of speech cuts the audio sent: a pause mid-sentence must not cut a sentence in two.
  assert.equal(whole(), 500);
  assert.equal(whole(0.3), 300);
  assert.equal(whole(0.05), 200);
  assert.equal(whole(2), 550);
});

test("the endpointing delay is the agent's, counted from where the caller's voice stopped", () => {
  assert.equal(endpointingDelayMs(behaviour()), 500);
  assert.equal(endpointingDelayMs(behaviour(0.3)), 300);
  assert.equal(endpointingDelayMs(behaviour(2)), 2000);
  assert.equal(endpointingDelayMs(behaviour(0.05)), 50);
});

test("the turn's silence after the voice stopped is the delay, or the VAD's floor with its lag", () => {
  assert.equal(turnSilenceMs(behaviour()), 500);
  assert.equal(turnSilenceMs(behaviour(0.3)), 300);
  // The VAD never ends speech sooner than 200 ms after its own mark, 80 ms late on average.
  assert.equal(turnSilenceMs(behaviour(0.05)), 280);
  assert.equal(turnSilenceMs(behaviour(2)), 2000);
});

test("pocketsphinx finishes an utterance before the agent's turn silence is over", () => {
  assert.equal(pocketsphinxEndSilenceMs(undefined), 500);
  assert.equal(pocketsphinxEndSilenceMs(300), 150);
  assert.equal(pocketsphinxEndSilenceMs(500), 320);
  assert.equal(pocketsphinxEndSilenceMs(200), 150);
  assert.equal(pocketsphinxEndSilenceMs(3000), 500);
});
