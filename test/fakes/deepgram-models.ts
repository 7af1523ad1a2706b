/**
 * What the fake's `GET /v1/models` answers: Deepgram's public model list, trimmed to a few entries
 * in the shape its API reference documents (`stt` and `tts` arrays; TTS models carry voice
 * metadata). One Aura-2 voice is not in Parley's built-in catalog, and one is a first-generation
 * Aura voice that no catalog model speaks.
 */
const tts = (
  name: string,
  canonical: string,
  architecture: string,
  languages: string[],
  accent: string,
  tags: string[],
) => ({
  name,
  canonical_name: canonical,
  architecture,
  languages,
  version: '2025-04-07.0',
  uuid: `00000000-0000-4000-8000-${Buffer.from(canonical).toString('hex').slice(0, 12).padEnd(12, '0')}`,
  metadata: {
    accent,
    age: 'Adult',
    color: '#C58DFF',
    image: `https://static.deepgram.com/examples/avatars/${name}.jpg`,
    sample: `https://static.deepgram.com/examples/Aura-2-${name}.wav`,
    tags,
    use_cases: ['IVR', 'Customer service'],
  },
});

export const DEEPGRAM_MODELS = {
  stt: [
    {
      name: 'general',
      canonical_name: 'nova-3-general',
      architecture: 'nova-3',
      languages: ['en', 'en-US'],
      version: '2025-01-09.0',
      uuid: 'bf05427e-a1f1-4ced-a976-38b2f3533d8d',
      batch: true,
      streaming: true,
      formatted_output: true,
    },
  ],
  tts: [
    tts('thalia', 'aura-2-thalia-en', 'aura-2', ['en', 'en-US'], 'American', [
      'feminine',
      'clear',
      'confident',
    ]),
    tts('apollo', 'aura-2-apollo-en', 'aura-2', ['en', 'en-US'], 'American', ['masculine', 'casual']),
    tts('celeste', 'aura-2-celeste-es', 'aura-2', ['es', 'es-CO'], 'Colombian', [
      'feminine',
      'clear',
      'energetic',
    ]),
    tts('angus', 'aura-angus-en', 'aura', ['en', 'en-IE'], 'Irish', ['masculine']),
  ],
};
