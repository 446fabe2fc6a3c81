import { useState } from 'react';

export function App({ config }) {
  const [bucket, setBucket] = useState('DAY');
  const [loads, setLoads] = useState(0);
  const [changes, setChanges] = useState([]);
  return (
    <main>
      <h1>React shop admin</h1>
      <p>
        <span data-testid="bucket">Bucket: {bucket}</span> · <span data-testid="loads">Charts drawn: {loads}</span> ·{' '}
        <span data-testid="changes">Changes: {changes.join(',')}</span>
      </p>
      <button type="button" onClick={() => setBucket('WEEK')}>
        Show weeks
      </button>
      <fq-forecast-chart
        endpoint={`${config.api}/graphql`}
        token={config.token}
        datasetId={config.datasetId}
        series={config.series}
        bucket={bucket}
        onfq-load={() => setLoads((count) => count + 1)}
        onfq-bucket-change={(event) => {
          setBucket(event.detail.bucket);
          setChanges((list) => [...list, event.detail.bucket]);
        }}
      ></fq-forecast-chart>
      <fq-accuracy endpoint={`${config.api}/graphql`} token={config.token} dataset-id={config.datasetId}></fq-accuracy>
    </main>
  );
}
