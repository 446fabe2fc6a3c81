/**
 * The peers' README "Benchmark protocols" (../shared/peers/README.md): each dataset's split, as
 * every accuracy bench scores it.
 */
export interface Protocol {
  readonly name: string;
  readonly horizon: number;
  readonly origins: number;
  readonly sample?: { n: number; seed: number };
}

export const PROTOCOLS: readonly Protocol[] = [
  { name: 'uci-online-retail-daily', horizon: 28, origins: 3, sample: { n: 200, seed: 1 } },
  { name: 'pasta-daily', horizon: 28, origins: 3 },
  { name: 'm5-tiny-daily', horizon: 28, origins: 3 },
  { name: 'walmart-weekly', horizon: 13, origins: 3, sample: { n: 500, seed: 1 } },
  { name: 'aus-retail-monthly', horizon: 12, origins: 2 },
];

/** The protocol of `name`; an unknown name is refused with the list of known ones. */
export function protocolOf(name: string): Protocol {
  const p = PROTOCOLS.find((x) => x.name === name);
  if (!p) throw new Error(`unknown dataset ${name}; use one of ${PROTOCOLS.map((x) => x.name).join(', ')}`);
  return p;
}
