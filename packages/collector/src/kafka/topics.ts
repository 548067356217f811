// Which topics the tap follows: include/exclude regexes over the cluster's topic list.
export interface TopicFilter {
  include: string[];
  exclude: string[];
}

export function selectTopics(all: string[], filter: TopicFilter): string[] {
  const include = filter.include.map((r) => new RegExp(r));
  const exclude = filter.exclude.map((r) => new RegExp(r));
  return all.filter((t) => include.some((r) => r.test(t)) && !exclude.some((r) => r.test(t))).sort();
}

export const sameTopics = (a: string[], b: string[]) => a.length === b.length && a.every((t, i) => t === b[i]);
