// An identifier (a rule id, a topic) that may wrap in a narrow cell: only after its separators, never inside a
// word. Table cells otherwise break anywhere so they fit their panel, which cut "cards-published" as "cards-publ ished".
import { Fragment } from 'react';

const PARTS = /[^.\-_/:]+[.\-_/:]*|[.\-_/:]+/g;

/** The pieces a line may break between: each word with the separators that follow it. */
export const nameParts = (text: string): string[] => text.match(PARTS) ?? [text];

export function Name({ text }: { text: string }) {
  const parts = nameParts(text);
  return (
    <span className="name">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
