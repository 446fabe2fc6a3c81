/** `forecastql` from the TypeScript sources (what bin/forecastql.js runs from dist/), for tests that spawn the CLI. */
import { main } from '../../../api/cli.js';

await main(process.argv);
