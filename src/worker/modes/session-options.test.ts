import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelId } from '../../catalog/index.ts';
import type { AgentRow, CallSpec } from '../load.ts';
import { voiceBehaviour } from '../voice-params.ts';
import { speaksLocally } from './components.ts';
import { sessionOptions } from './session-options.ts';

const spec = (ttsModelId: string | null) => ({ agent: { ttsModelId } }) as unknown as CallSpec;
const behaviour = voiceBehaviour({ voiceParams: { minEndpointingDelay: 0.3 } } as unknown as AgentRow);

test('the reply is synthesized ahead of the end of the turn only when the TTS runs locally', () => {
  assert.equal(speaksLocally(spec(modelId('local', 'TTS', 'flite'))), true);
  assert.equal(speaksLocally(spec(modelId('openai', 'TTS', 'tts-1'))), false);
  assert.equal(speaksLocally(spec(null)), false, 'an STS agent names no TTS');

  const local = sessionOptions(behaviour, { preemptiveTts: true }).turnHandling!;
  assert.deepEqual(local.preemptiveGeneration, { enabled: true, preemptiveTts: true });
  const cloud = sessionOptions(behaviour).turnHandling!;
  assert.deepEqual(cloud.preemptiveGeneration, { enabled: true, preemptiveTts: false });
  // The agent's delay: the worker's VAD reports where the caller's voice stopped, not silero's mark.
  assert.equal(local.endpointing?.minDelay, 300);
});
