/**
 * The voices the fake Cartesia lists on `GET /voices`, shaped as Cartesia's voice objects: five
 * library voices that are also in Parley's built-in catalog, one library voice that is not, and
 * one custom (cloned, account-owned) voice.
 */

/** A voice object as Cartesia's `GET /voices` returns it. */
export interface FakeCartesiaVoice {
  id: string;
  user_id: string | null;
  is_owner: boolean;
  is_public: boolean;
  name: string;
  description: string;
  created_at: string;
  language: string;
  gender: 'masculine' | 'feminine' | 'gender_neutral' | null;
}

const library = (
  id: string,
  name: string,
  description: string,
  language: string,
  gender: FakeCartesiaVoice['gender'],
  createdAt: string,
): FakeCartesiaVoice => ({
  id,
  user_id: null,
  is_owner: false,
  is_public: true,
  name,
  description,
  created_at: createdAt,
  language,
  gender,
});

/** The account's own cloned voice: not in the built-in catalog. */
export const CUSTOM_VOICE: FakeCartesiaVoice = {
  id: '7d3c9f0e-5b1a-4c2e-9f6d-2a8b4e1c0d93',
  user_id: 'user_2fakeBakeryOwner',
  is_owner: true,
  is_public: false,
  name: 'Bakery Owner',
  description: 'Cloned from the owner’s voicemail greeting.',
  created_at: '2026-02-11T09:30:00.000Z',
  language: 'en',
  gender: 'feminine',
};

// prettier-ignore
export const FAKE_CARTESIA_VOICES: readonly FakeCartesiaVoice[] = [
  library('a0e99841-438c-4a64-b679-ae501e7d6091', 'Greg', 'Supporter. A warm, steady male voice for support lines.', 'en', 'masculine', '2024-05-02T18:20:11.000Z'),
  library('e3827ec5-697a-4b7c-9704-1a23041bbc51', 'Dottie', 'Sweet gal. A gentle, friendly female voice.', 'en', 'feminine', '2024-05-02T18:21:40.000Z'),
  library('71a7ad14-091c-4e8e-a314-022ece01c121', 'Charlotte', 'Heiress. A refined British female voice.', 'en', 'feminine', '2024-05-03T10:02:09.000Z'),
  library('3797b3c0-ab71-40dc-bfa0-a8c6ff9c1e8b', 'Carolina', 'Friendly guide. A Mexican Spanish female voice.', 'es', 'feminine', '2024-09-12T16:45:00.000Z'),
  library('948196a7-fe02-417b-9b6d-c45ee0803565', 'Manuel', 'Newsman. A Castilian Spanish male voice.', 'es', 'masculine', '2024-09-12T16:47:31.000Z'),
  library('5c42302c-194b-4d0c-ba1a-8cb485c84ab9', 'Sven', 'Calm narrator. A Swedish voice for long reads.', 'sv', 'gender_neutral', '2025-06-30T08:15:00.000Z'),
  CUSTOM_VOICE,
];
