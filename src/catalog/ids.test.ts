import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PARLEY_MODEL_NAMESPACE, builtinModels, isUuid, modelId, providerId, uuidv5 } from './index.ts';

const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/** RFC 4122 §4.3 written out step by step, independently of ids.ts. */
function referenceUuidv5(name: string, namespace: string): string {
  const ns = Uint8Array.from(
    namespace
      .replace(/-/g, '')
      .match(/../g)!
      .map((h) => parseInt(h, 16)),
  );
  const digest = createHash('sha1').update(ns).update(new TextEncoder().encode(name)).digest();
  const octets = Array.from(digest.subarray(0, 16));
  octets[6] = (octets[6]! & 0b0000_1111) | 0b0101_0000; // time_hi_and_version: version 5
  octets[8] = (octets[8]! & 0b0011_1111) | 0b1000_0000; // clock_seq_hi_and_reserved: variant 10
  const hex = octets.map((o) => o.toString(16).padStart(2, '0')).join('');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

test('uuidv5 matches the published example (Python docs: uuid5(NAMESPACE_DNS, "python.org"))', () => {
  assert.equal(uuidv5('python.org', NAMESPACE_DNS), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  assert.equal(referenceUuidv5('python.org', NAMESPACE_DNS), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
});

test('modelId is UUIDv5 of provider/type/name in the Parley namespace', () => {
  // Literals computed with Python's uuid.uuid5, a separate implementation of the RFC.
  assert.equal(modelId('openai', 'TTS', 'tts-1'), 'b0aef7ff-1dcb-5b5a-b339-c1d63a11e7a7');
  assert.equal(modelId('local', 'TTS', 'flite'), '48902563-0ebe-509c-8d58-b82152291fdc');
  assert.equal(
    modelId('elevenlabs', 'TTS', 'eleven_flash_v2_5'),
    referenceUuidv5('elevenlabs/TTS/eleven_flash_v2_5', PARLEY_MODEL_NAMESPACE),
  );
});

test('modelId is deterministic and distinct per provider, type and name', () => {
  assert.equal(modelId('openai', 'STT', 'whisper-1'), modelId('openai', 'STT', 'whisper-1'));
  const ids = new Set([
    modelId('openai', 'STT', 'whisper-1'),
    modelId('openai', 'TTS', 'whisper-1'),
    modelId('deepgram', 'STT', 'whisper-1'),
    modelId('openai', 'STT', 'whisper-2'),
  ]);
  assert.equal(ids.size, 4);
});

test('every built-in model id is a version-5, RFC-variant UUID derived from its fields', () => {
  for (const m of builtinModels) {
    assert.ok(isUuid(m.id), m.id);
    assert.equal(m.id[14], '5', `${m.name}: version nibble`);
    assert.match(m.id[19]!, /[89ab]/, `${m.name}: variant bits`);
    assert.equal(m.id, referenceUuidv5(`${m.provider}/${m.type}/${m.name}`, PARLEY_MODEL_NAMESPACE));
  }
});

test('uuidv5 refuses a namespace that is not a UUID', () => {
  assert.throws(() => uuidv5('x', 'parley'), /Namespace must be a UUID/);
});

test('provider ids are pvdr_<slug>', () => {
  assert.equal(providerId('elevenlabs'), 'pvdr_elevenlabs');
});
