import { useEffect, useState } from 'react';

/** The current time, re-read every `everyMs`, for live durations ("firing for 3m 12s"). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
