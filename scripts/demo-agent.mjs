#!/usr/bin/env node
// A harmless stand-in for an AI agent, used by `npm run demo`: it reads the prompt it was
// given, writes one small file that differs per candidate, commits it, and exits.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const at = argv.indexOf('--');
const prompt = at === -1 ? '(no prompt)' : argv[at + 1];
const n = Number(process.env.PARALLEL_INDEX ?? 1);
const styles = ['terse', 'thorough', 'playful', 'formal', 'minimal', 'verbose', 'clever', 'plain'];
const style = styles[(n - 1) % styles.length];
// Every third candidate forgets the exclamation mark, so the demo's eval has something to catch.
const ending = n % 3 === 2 ? '.' : '!';
const greeting = `export function greet(name) {\n  // candidate ${n}: a ${style} take on "${prompt.replace(/\s+/g, ' ').slice(0, 60)}"\n  return ${JSON.stringify(`Hello (${style})`)} + ', ' + name + '${ending}';\n}\n`;
writeFileSync('greet.js', greeting);
writeFileSync(`NOTES-${n}.md`, `# Candidate ${n}\n\nStyle: ${style}.\n`);
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=demo agent', '-c', 'user.email=demo@example.com', ...args]);
git('add', '.');
git('commit', '-q', '-m', `demo agent ${n}: ${style} greet()`);
console.log(`demo agent ${n}: committed a ${style} greet() for prompt: ${prompt}`);
