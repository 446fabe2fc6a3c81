// A React 19 shop admin that embeds the widgets: the bundle by <script> from the API (added at run
// time: the test server's port is only known then), then React renders once the elements are
// defined, so React 19 sets `datasetId` and `bucket` as properties and listens to `fq-*` events
// with `onfq-…` props. The entry defines the widgets lazily: `customElements.whenDefined('fq-…')`
// loads one once the entry has run, so the app waits for the script's `load` first (a static
// <script> placed before the app's needs no wait). Config from the query string: ?api=&token=&dataset=&series=
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';

const params = new URLSearchParams(location.search);
const config = {
  api: params.get('api') ?? '',
  token: params.get('token') ?? '',
  datasetId: params.get('dataset') ?? '',
  series: params.get('series') ?? '',
};
const script = document.createElement('script');
script.type = 'module';
script.src = `${config.api}/widgets/forecastql.js`;
await new Promise((resolve, reject) => {
  script.addEventListener('load', resolve, { once: true });
  script.addEventListener('error', () => reject(new Error(`${script.src} did not load`)), { once: true });
  document.head.append(script);
});
await customElements.whenDefined('fq-forecast-chart');
createRoot(document.getElementById('root')).render(<App config={config} />);
