// An identifier (a rule id, a topic, an event type) that may wrap in a narrow cell: only after its separators or
// between the words of a camelCase name, never inside a word. Table cells otherwise break anywhere so they fit
// their panel, which cut "cards-published" as "cards-publ ished" and "AuthorizationRequested" as "AuthorizationReq uested".
import { Fragment } from 'react';
import { AppLink } from './AppLink.tsx';

const PARTS = /[^.\-_/:]+[.\-_/:]*|[.\-_/:]+/g;

const HUMP = /(?<=[a-z0-9])(?=[A-Z])/;

/** The pieces a line may break between: each word with the separators that follow it, camelCase words apart. */
export const nameParts = (text: string): string[] => (text.match(PARTS) ?? [text]).flatMap((part) => part.split(HUMP));

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

/** A link whose text is an identifier (a stream, a group, a rule), wrapping as Name does. */
export function NameLink({ to, text }: { to: string; text: string }) {
  return (
    <AppLink to={to}>
      <Name text={text} />
    </AppLink>
  );
}
