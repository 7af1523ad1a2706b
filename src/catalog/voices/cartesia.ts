import type { CatalogVoice, VoiceGender } from '../types.ts';

// Cartesia renamed its library voices in 2025 (e.g. "Barbershop Man" is now "Greg"); names and
// descriptions here are the current public ones, with the old name where users may still search it.

function voice(
  id: string,
  name: string,
  gender: VoiceGender,
  language: string,
  accent: string,
  description: string,
): CatalogVoice {
  return {
    id,
    name,
    provider: 'cartesia',
    language,
    gender,
    accent,
    description,
    modelIds: ['sonic-3', 'sonic-2', 'sonic-turbo'],
    sampleRates: [8000, 16000, 22050, 24000, 44100, 48000],
  };
}

/** A selection of Cartesia's public library voices, with their voice ids. */
// prettier-ignore
export const cartesiaVoices: CatalogVoice[] = [
  voice('a0e99841-438c-4a64-b679-ae501e7d6091', 'Greg', 'male', 'en-US', 'american', 'Supporter. Formerly "Barbershop Man".'),
  voice('d46abd1d-2d02-43e8-819f-51fb652c1c61', 'Grant', 'male', 'en-US', 'american', 'Friendly support. Formerly "Newsman".'),
  voice('e3827ec5-697a-4b7c-9704-1a23041bbc51', 'Dottie', 'female', 'en-US', 'american', 'Sweet gal. Formerly "Sweet Lady".'),
  voice('694f9389-aac1-45b6-b726-9d9369183238', 'Sarah', 'female', 'en-US', 'american', 'Mindful woman.'),
  voice('9626c31c-bec5-4cca-baa8-f8ba9e84c8bc', 'Jacqueline', 'female', 'en-US', 'american', 'Reassuring agent.'),
  voice('f786b574-daa5-4673-aa0c-cbe3e8534c02', 'Katie', 'female', 'en-US', 'american', 'Friendly fixer.'),
  voice('e07c00bc-4134-4eae-9ea4-1a55fb45746b', 'Brooke', 'female', 'en-US', 'american', 'Big sister.'),
  voice('b7d50908-b17c-442d-ad8d-810c63997ed9', 'Sierra', 'female', 'en-US', 'californian', 'California girl.'),
  voice('79f8b5fb-2cc8-479a-80df-29f7a7cf1a3e', 'Theo', 'male', 'en-US', 'american', 'Modern narrator.'),
  voice('41534e16-2966-4c6b-9670-111411def906', 'Clarence', 'male', 'en-US', 'american', 'Newsman.'),
  voice('e00d0e4c-a5c8-443f-a8a3-473eb9a62355', 'Zeke', 'male', 'en-US', 'american', 'Friendly sidekick.'),
  voice('71a7ad14-091c-4e8e-a314-022ece01c121', 'Charlotte', 'female', 'en-GB', 'british', 'Heiress.'),
  voice('5568a7df-e5ab-4442-9fae-2e9ba1b15ad8', 'Quentin', 'male', 'en-GB', 'british', 'Refined narrator.'),
  voice('f31cc6a7-c1e8-4764-980c-60a361443dd1', 'Olivia', 'female', 'en-AU', 'australian', 'Sunny woman.'),
  voice('3b554273-4299-48b9-9aaf-eefd438e3941', 'Simi', 'female', 'en-IN', 'indian', 'Support specialist.'),
  voice('3797b3c0-ab71-40dc-bfa0-a8c6ff9c1e8b', 'Carolina', 'female', 'es-MX', 'mexican', 'Friendly guide.'),
  voice('948196a7-fe02-417b-9b6d-c45ee0803565', 'Manuel', 'male', 'es-ES', 'castilian', 'Newsman.'),
  voice('b603811e-54c2-4a0a-8854-09eab9ffa63f', 'Bruno', 'male', 'pt-BR', 'brazilian', 'Reliable communicator.'),
];
