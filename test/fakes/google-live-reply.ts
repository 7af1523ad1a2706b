/**
 * What the Live fake says: the reply context a test's reply function gets, the default reply, and
 * the prebuilt voices a setup may name.
 */
import {
  mentions,
  placeholderArgs,
  type Content,
  type FunctionDeclaration,
  type GeminiReply,
} from './google-rest.ts';
import { bakeryReply } from './openai-rest.ts';

/** Gemini Live's prebuilt voices. */
export const GEMINI_VOICES = [
  'Achernar',
  'Achird',
  'Algenib',
  'Algieba',
  'Alnilam',
  'Aoede',
  'Autonoe',
  'Callirrhoe',
  'Charon',
  'Despina',
  'Enceladus',
  'Erinome',
  'Fenrir',
  'Gacrux',
  'Iapetus',
  'Kore',
  'Laomedeia',
  'Leda',
  'Orus',
  'Pulcherrima',
  'Puck',
  'Rasalgethi',
  'Sadachbia',
  'Sadaltager',
  'Schedar',
  'Sulafat',
  'Umbriel',
  'Vindemiatrix',
  'Zephyr',
  'Zubenelgenubi',
];

/** What a Live reply function is told about the turn it answers. */
export interface LiveReplyContext {
  /** 1-based index of the turn across the server's lifetime. */
  n: number;
  /** 1-based index of the connection. */
  connection: number;
  trigger: 'speech' | 'clientContent' | 'realtimeText' | 'toolResponse';
  /** What pocketsphinx heard, for a speech turn. */
  heard?: string;
  /** The last user text of a `clientContent` turn or of `realtimeInput.text`. */
  userText?: string;
  /** A `model` turn sent with `turnComplete` (the plugin's `generateReply(instructions)`). */
  instructions?: string;
  systemInstruction: string;
  functions: FunctionDeclaration[];
  functionResponses: { id?: string; name: string; response: Record<string, unknown> }[];
  /** The conversation so far (text only), oldest first. */
  history: Content[];
}

/**
 * Default Live reply: the sentence a `Say exactly the following sentence …: "X"` instruction asks
 * for (how Parley greets through a realtime model); what a function returned; a function call when
 * the caller names a declared function; otherwise the bakery rules on what was heard or typed.
 */
export function defaultLiveReply(ctx: LiveReplyContext): GeminiReply {
  const quoted = ctx.instructions?.match(/Say exactly the following sentence[^"]*"([^"]+)"/);
  if (quoted) return quoted[1]!;
  if (ctx.functionResponses.length > 0) {
    return ctx.functionResponses
      .map(({ name, response }) => {
        const out = response.output ?? response.result ?? response;
        return `${name} returned ${typeof out === 'string' ? out : JSON.stringify(out)}.`;
      })
      .join(' ');
  }
  const said = ctx.heard ?? ctx.userText ?? '';
  const fn = ctx.functions.find((f) => mentions(said, f.name));
  if (fn) return { functionCalls: [{ name: fn.name, args: placeholderArgs(fn) }] };
  if (!said && ctx.instructions) return `Live reply number ${ctx.n}.`;
  return bakeryReply({ lastUser: said });
}
