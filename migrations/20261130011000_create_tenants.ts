import type { Knex } from 'knex';
import { timestamps } from './dialect.js';

/** Tenants (shops). The `default` tenant is seeded here: the CLI and the demo use it. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tenants', (t) => {
    t.increments('id').primary();
    t.string('slug', 64).notNullable().unique();
    t.string('name', 200).notNullable();
    timestamps(knex, t);
  });
  await knex('tenants').insert({ slug: 'default', name: 'Default tenant' });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tenants');
}
