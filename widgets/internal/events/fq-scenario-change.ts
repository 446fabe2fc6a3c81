/** Fired when the user moves the scenario's change (covariate or percentage); never on programmatic changes. */
export type FqScenarioChangeEvent = CustomEvent<{
  /** The covariate moved, e.g. "price". */ readonly covariate: string;
  /** The change in %, e.g. −10 for a 10 % cut. */ readonly percentChange: number;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-scenario-change': FqScenarioChangeEvent;
  }
}
