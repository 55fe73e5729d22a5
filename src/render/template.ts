/**
 * Fills `{{name}}` slots in one pass (a value is never scanned for slots). A line that is only a
 * slot whose value is empty disappears. Every slot must have a value: a missing one is a bug.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  const value = (name: string) => {
    const text = values[name];
    if (text === undefined) throw new Error(`template slot {{${name}}} has no value`);
    return text;
  };
  return template
    .replace(/^\{\{(\w+)\}\}\n/gm, (line, name: string) => (value(name) === '' ? '' : line))
    .replace(/\{\{(\w+)\}\}/g, (_, name: string) => value(name));
}
