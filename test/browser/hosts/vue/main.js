// A Vue 3 shop admin that embeds the widgets as the README says: the bundle by <script> from the
// API (here added at run time, since the test server's port is only known then), mounted before
// the bundle has defined the elements, so Vue sets attributes and properties on un-upgraded
// elements first. Config from the query string: ?api=&token=&dataset=&series=
import { createApp } from 'vue';
import App from './App.vue';

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
document.head.append(script);
createApp(App, { config }).mount('#app');
