/**
 * The fake ElevenLabs account's REST answers: `GET /v1/user` and the `GET /v2/voices` page
 * (`page_size` 1–100, default 10; `next_page_token`, `has_more`, `total_count`; `category` and
 * `search` filters; other query parameters are ignored).
 */
import { ApiError } from './elevenlabs-errors.ts';
import type { ElevenLabsVoiceJson } from './elevenlabs-voices.ts';

/** One page of `GET /v2/voices` over `all`; `cap` is the largest page the server serves. */
export function voicesPage(all: readonly ElevenLabsVoiceJson[], query: Record<string, string>, cap: number) {
  const size = query.page_size === undefined ? 10 : Number(query.page_size);
  if (!Number.isInteger(size) || size < 1 || size > 100) {
    throw new ApiError(422, {
      detail: [
        {
          type: 'less_than_equal',
          loc: ['query', 'page_size'],
          msg: 'Input should be less than or equal to 100',
          input: query.page_size,
        },
      ],
    });
  }
  let voicesIn = all;
  if (query.category) voicesIn = voicesIn.filter((v) => v.category === query.category);
  if (query.search)
    voicesIn = voicesIn.filter((v) => v.name.toLowerCase().includes(query.search!.toLowerCase()));
  const start = query.next_page_token ? Number(query.next_page_token) : 0;
  const voices = voicesIn.slice(start, start + Math.min(size, cap));
  const next = start + voices.length;
  const hasMore = next < voicesIn.length;
  return {
    voices,
    has_more: hasMore,
    total_count: query.include_total_count === 'false' ? 0 : voicesIn.length,
    next_page_token: hasMore ? String(next) : null,
  };
}

/** `GET /v1/user` for the fake account (a Creator subscription). */
export function userJson() {
  return {
    user_id: 'fakeuser0000000000000001',
    subscription: {
      tier: 'creator',
      character_count: 1234,
      character_limit: 100_000,
      can_extend_character_limit: true,
      allowed_to_extend_character_limit: true,
      voice_slots_used: 3,
      professional_voice_slots_used: 1,
      voice_limit: 30,
      status: 'active',
      currency: 'usd',
      billing_period: 'monthly_period',
    },
    is_new_user: false,
    xi_api_key: null,
    can_use_delayed_payment_methods: false,
    is_onboarding_completed: true,
    is_onboarding_checklist_completed: true,
    first_name: 'Fake',
    is_api_key_hashed: true,
    xi_api_key_preview: 'xi-f…key',
    created_at: 1_700_000_000,
  };
}
