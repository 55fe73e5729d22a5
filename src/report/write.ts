import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CompareJson } from '../compare/types.js';
import { readHead, readLogTail } from '../logs/tail.js';
import { CLIENT_SCRIPT } from './client.js';
import { type Sink, writeDiffData } from './data.js';
import { indexRows, type PageFacts, pageEnd, pageMiddle, pageStart } from './html.js';
import { buildIndex, type ReportCaps } from './rows.js';

export interface ReportSource {
  repoRoot: string;
  json: CompareJson;
  promptFile: string;
  caps: ReportCaps;
  generatedAt: string;
}

const LOG_TAIL_BYTES = 16 * 1024;
const PROMPT_BYTES = 16 * 1024;
const ROWS_PER_WRITE = 500;

/**
 * Writes the page to `file` by streaming: the diffs go first to a data file beside it (one file
 * at a time from git), then the page is written (summary and index first, which by then know
 * what was cut) and the data appended. Memory stays flat however big the diffs are; the page
 * replaces `file` only when complete.
 */
export async function writeReport(file: string, source: ReportSource): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const dataFile = `${file}.${process.pid}.data`;
  const pageFile = `${file}.${process.pid}.tmp`;
  try {
    const index = buildIndex(source.json, source.caps.maxFiles);
    const data = open(dataFile);
    const embedded = await writeDiffData(data.sink, source.repoRoot, source.json, index, source.caps);
    await data.close();
    const facts: PageFacts = {
      json: source.json,
      index,
      embedded,
      caps: source.caps,
      prompt: await readPrompt(source.promptFile),
      logTails: await readLogTails(source.json),
      generatedAt: source.generatedAt,
    };
    const page = open(pageFile);
    await page.sink(
      pageStart(facts, `sha256-${createHash('sha256').update(CLIENT_SCRIPT).digest('base64')}`),
    );
    for (let row = 0; row < index.rows.length; row += ROWS_PER_WRITE) {
      await page.sink(indexRows(facts, row, row + ROWS_PER_WRITE));
    }
    await page.sink(pageMiddle(facts));
    for await (const chunk of createReadStream(dataFile)) await page.write(chunk as Buffer);
    await page.sink(pageEnd(CLIENT_SCRIPT));
    await page.close();
    await rename(pageFile, file);
  } finally {
    await rm(dataFile, { force: true });
    await rm(pageFile, { force: true });
  }
}

async function readPrompt(file: string): Promise<PageFacts['prompt']> {
  const head = await readHead(file, PROMPT_BYTES);
  if (!head || head.size === 0) return undefined;
  return { text: head.bytes.toString('utf8'), cut: head.size > head.bytes.length };
}

async function readLogTails(json: CompareJson): Promise<PageFacts['logTails']> {
  const tails: PageFacts['logTails'] = new Map();
  for (const c of json.candidates) {
    for (const e of c.evals) {
      const tail = e.log ? await readLogTail(e.log, LOG_TAIL_BYTES) : undefined;
      if (tail) tails.set(`${c.index} ${e.name}`, tail);
    }
  }
  return tails;
}

/** A write stream that waits when its buffer is full (so a fast producer cannot fill memory). */
function open(path: string): {
  sink: Sink;
  write: (chunk: Buffer) => Promise<void>;
  close: () => Promise<void>;
} {
  const stream: WriteStream = createWriteStream(path);
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const write = (chunk: string | Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      if (stream.write(chunk)) return resolve();
      const onDrain = () => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        stream.off('drain', onDrain);
        reject(error);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  return {
    sink: write,
    write,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      }),
  };
}
