/**
 * The subscriptions attached to a store: who is told of evictions, sweep freezes and slice ends,
 * including when one of them detaches (or another attaches) while a dispatch is under way.
 */
import { describe, expect, it } from 'vitest';
import { Attachments, type AttachmentHooks } from '../../../operators/store/attachments.js';
import { EvictionClock } from '../../../operators/store/eviction.js';
import type { FrozenParams } from '../../../src/scalers/frozen.js';

const PARAMS = { version: 1 } as FrozenParams;

function recorder(name: string, log: string[], extra: Partial<AttachmentHooks> = {}): AttachmentHooks {
  return {
    evicted: (s) => log.push(`${name} evicted ${s}`),
    frozen: (s) => log.push(`${name} frozen ${s}`),
    sliced: () => log.push(`${name} sliced`),
    ...extra,
  };
}

describe('Attachments', () => {
  it('tells every attached subscription, in the order they attached, and none after its detach', () => {
    const at = new Attachments(new EvictionClock({}), () => undefined);
    const log: string[] = [];
    const a = at.attach(true, recorder('a', log));
    const b = at.attach(false, recorder('b', log));
    at.frozen('s1', PARAMS);
    at.evicted('s2');
    at.sliced();
    a.detach();
    a.detach(); // idempotent
    at.frozen('s3', PARAMS);
    b.detach();
    at.sliced();
    expect(log).toEqual(['a frozen s1', 'b frozen s1', 'a evicted s2', 'b evicted s2', 'a sliced', 'b sliced', 'b frozen s3']);
    expect(() => at.attach(true, recorder('c', log))).not.toThrow(); // the learner's place is free again
  });

  it('skips a subscription detached during a dispatch; one attached during it hears it too (a Set walk)', () => {
    const at = new Attachments(new EvictionClock({}), () => undefined);
    const log: string[] = [];
    const later: { b?: { detach(): void } } = {};
    let late = false;
    at.attach(false, {
      ...recorder('a', log),
      frozen: (s) => {
        log.push(`a frozen ${s}`);
        later.b?.detach(); // a's output ends b's subscription
        if (!late) at.attach(false, recorder('c', log));
        late = true;
      },
    });
    later.b = at.attach(false, recorder('b', log));
    at.frozen('s1', PARAMS);
    at.frozen('s2', PARAMS);
    expect(log).toEqual(['a frozen s1', 'c frozen s1', 'a frozen s2', 'c frozen s2']);
  });

  it('refuses a second learner', () => {
    const at = new Attachments(new EvictionClock({}), () => undefined);
    at.attach(true, recorder('a', []));
    expect(() => at.attach(true, recorder('b', []))).toThrow(/another subscription is already learning/);
  });
});
