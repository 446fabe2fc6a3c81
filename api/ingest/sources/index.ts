/** The data-source use-cases bound to their adapters on one database (composition for CLI and server). */
import type { Knex } from 'knex';
import { DataSourceService } from '../../app/sources/source.service.js';
import { createDataSourcesRepository } from '../../db/data-sources.repository.js';
import { createDailySink } from './daily-sink.js';
import { createSqlReaderFactory } from './sql-reader.js';

export function createDataSourceService(knex: Knex): DataSourceService {
  return new DataSourceService(createDataSourcesRepository(knex), createSqlReaderFactory(), createDailySink(knex));
}
