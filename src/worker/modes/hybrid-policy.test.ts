import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HybridPolicy } from './hybrid-policy.ts';

test('two consecutive slow first-audio turns switch to the pipeline', () => {
  const p = new HybridPolicy(800);
  assert.equal(p.onStsTurn(900), undefined);
  assert.equal(p.onStsTurn(900), 'sts_slow');
  assert.equal(p.switched, true);
  assert.equal(p.onStsTurn(2000), undefined, 'switches once');
});

test('a fast turn resets the streak', () => {
  const p = new HybridPolicy(800);
  assert.equal(p.onStsTurn(900), undefined);
  assert.equal(p.onStsTurn(300), undefined);
  assert.equal(p.onStsTurn(900), undefined);
  assert.equal(p.switched, false);
  assert.equal(p.onStsTurn(null), undefined, 'unknown latency is not slow');
  assert.equal(p.onStsTurn(801), undefined);
  assert.equal(p.onStsTurn(801), 'sts_slow');
});

test('an STS error switches at once, once', () => {
  const p = new HybridPolicy(800);
  assert.equal(p.onStsError(), 'sts_error');
  assert.equal(p.onStsError(), undefined);
});
