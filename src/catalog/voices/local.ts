import type { CatalogVoice, VoiceGender } from '../types.ts';

function flite(
  id: string,
  language: string,
  gender: VoiceGender,
  accent: string,
  description: string,
): CatalogVoice {
  return {
    id,
    name: id.toUpperCase(),
    provider: 'local',
    language,
    gender,
    accent,
    description,
    modelIds: ['flite'],
    sampleRates: [16000],
  };
}

/** Flite's built-in CMU voices, synthesized on this machine (see `src/providers/flite`). */
export const localVoices: CatalogVoice[] = [
  flite(
    'slt',
    'en-US',
    'female',
    'american',
    'CMU ARCTIC speaker SLT: US English female (Flite cmu_us_slt).',
  ),
  flite(
    'kal16',
    'en-US',
    'male',
    'american',
    'US English male diphone voice at 16 kHz (Flite cmu_us_kal16); the most mechanical of the four.',
  ),
  flite('rms', 'en-US', 'male', 'american', 'CMU ARCTIC speaker RMS: US English male (Flite cmu_us_rms).'),
  flite(
    'awb',
    'en-GB',
    'male',
    'scottish',
    'CMU ARCTIC speaker AWB: Scottish English male (Flite cmu_us_awb).',
  ),
];
