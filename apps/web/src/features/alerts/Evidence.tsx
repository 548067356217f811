// The evidence an alert's rule recorded, as a definition list (see evidence.ts).
import { Fragment } from 'react';
import { Time } from '../../components/Time.tsx';
import { formatCount } from '../../lib/format.ts';
import { evidenceOf, type EvidenceValue } from './evidence.ts';

function Value({ value }: { value: EvidenceValue }) {
  switch (value.kind) {
    case 'time':
      return <Time value={value.at} />;
    case 'span':
      return (
        <>
          <Time value={value.from} /> – <Time value={value.to} />
        </>
      );
    case 'count':
      return <>{formatCount(value.n)}</>;
    case 'number':
    case 'text':
      return <>{value.text}</>;
    case 'list':
      return (
        <span className="mono small">
          {value.items.join(', ')}
          {value.more > 0 && <span className="muted"> and {formatCount(value.more)} more</span>}
        </span>
      );
    case 'json':
      return <pre className="code small">{value.text}</pre>;
  }
}

/** The rule's evidence under its own heading; nothing when the rule recorded none. */
export function Evidence({ details, streams }: { details: unknown; streams: readonly string[] }) {
  const entries = evidenceOf(details, streams);
  if (entries.length === 0) return null;
  return (
    <>
      <h3>Evidence</h3>
      <dl className="facts">
        {entries.map(({ key, label, value }) => (
          <Fragment key={key}>
            <dt>{label}</dt>
            <dd>
              <Value value={value} />
            </dd>
          </Fragment>
        ))}
      </dl>
    </>
  );
}
