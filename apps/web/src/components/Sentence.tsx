// Text the server wrote for people and for notifications alike (why a window was not judged: "kafka started
// watching at 2026-12-06T20:14:29.421Z, after the window began"): its instants are UTC ISO strings, exact in a
// Slack message, but a page shows every other time in local hh:mm:ss. Here each instant reads as the page's times do,
// with UTC on hover, and the rest of the text stays as written.
import { Fragment } from 'react';
import { Time } from './Time.tsx';

const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/** The text split into plain pieces and the instants between them: instants at the odd indexes. */
export function sentenceParts(text: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (const match of text.matchAll(INSTANT)) {
    parts.push(text.slice(from, match.index), match[0]);
    from = match.index + match[0].length;
  }
  parts.push(text.slice(from));
  return parts;
}

export function Sentence({ text }: { text: string }) {
  return (
    <>
      {sentenceParts(text).map((part, i) => (
        <Fragment key={i}>{i % 2 === 1 ? <Time value={part} /> : part}</Fragment>
      ))}
    </>
  );
}
