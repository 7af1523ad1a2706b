/** The opening line when the agent speaks first. */
import type { RulesConfig } from './config.ts';

const DEFAULT_GREETING = 'Hello, how can I help you today?';

/**
 * Returns the agent's opening line, deterministically; nothing is generated.
 *
 * - `config.greeting` when set.
 * - Otherwise, when the prompt names a role ("You are the receptionist of Luigi's.") the line is
 *   "Hello, this is the receptionist of Luigi's. How can I help you today?": the role phrase is
 *   copied verbatim from the prompt's first "you are …" clause.
 * - Otherwise "Hello, how can I help you today?".
 */
export function generateGreeting(config: Pick<RulesConfig, 'greeting'>, prompt = ''): string {
  if (config.greeting) return config.greeting;
  const role = /\byou are\s+(?:now\s+)?([^.!?\n;]{3,80})/i.exec(prompt)?.[1]?.trim().replace(/[,:]$/, '');
  if (!role) return DEFAULT_GREETING;
  const withArticle = /^(a|an|the)\s/i.test(role)
    ? role.replace(/^(A|An|The)\b/, (a) => a.toLowerCase())
    : role;
  return `Hello, this is ${withArticle}. How can I help you today?`;
}
