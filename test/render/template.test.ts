import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../src/render/template.js';

describe('fillTemplate', () => {
  it('fills every slot in one pass: a value that looks like a slot stays as it is', () => {
    expect(fillTemplate('cd {{dir}} && echo {{n}}\n', { dir: '/tmp/{{n}}', n: '3' })).toBe(
      'cd /tmp/{{n}} && echo 3\n',
    );
  });

  it('drops a line that is only an empty slot, keeps one that has content', () => {
    expect(fillTemplate('a\n{{extra}}\nb\n', { extra: '' })).toBe('a\nb\n');
    expect(fillTemplate('a\n{{extra}}\nb\n', { extra: 'x\ny' })).toBe('a\nx\ny\nb\n');
    expect(fillTemplate('a {{extra}}\n', { extra: '' })).toBe('a \n');
  });

  it('a slot without a value is an error, not an empty string', () => {
    expect(() => fillTemplate('{{missing}}', {})).toThrow(/\{\{missing\}\}/);
  });
});
