/** ForecastQL widgets: named re-exports of every component (filled in by the widgets issue). */
export const WIDGETS_VERSION = '0.1.0';
