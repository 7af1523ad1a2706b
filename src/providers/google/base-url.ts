/**
 * The Gemini API's origin. An organization's `baseUrl` replaces it (a proxy or gateway speaking
 * the same API): the SDK appends `/v1beta/models/…` for REST and derives the Live websocket
 * (`wss://…/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent`) from it.
 */
export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';
