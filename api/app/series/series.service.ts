/** Series of a dataset: paged, filtered by static attribute, searched by id. */
import { UserInputError } from '../../errors/index.js';
import { toPageRequest, type Page } from '../common/cursor.js';
import type { DatasetRecord, SeriesRecord, SeriesStore } from '../ports.js';

export interface SeriesQuery {
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
  readonly search?: string | null | undefined;
  readonly where?: readonly { readonly name: string; readonly value: string }[] | null | undefined;
}

/** Rejects attribute names the dataset does not have, naming the ones it has. */
export function assertAttributes(dataset: DatasetRecord, names: readonly string[], argument: string): void {
  for (const name of names) {
    if (!dataset.attributes.includes(name)) {
      const known = dataset.attributes.length > 0 ? `it has: ${dataset.attributes.join(', ')}` : 'it has none';
      throw new UserInputError(`Dataset "${dataset.name}" has no attribute "${name}" (in \`${argument}\`); ${known}.`, {
        argument,
        value: name,
      });
    }
  }
}

export class SeriesService {
  constructor(private readonly series: SeriesStore) {}

  async list(tenantId: number, dataset: DatasetRecord, query: SeriesQuery): Promise<Page<SeriesRecord>> {
    const page = toPageRequest(query.first, query.after);
    const where = query.where ?? [];
    assertAttributes(
      dataset,
      where.map((w) => w.name),
      'where',
    );
    const search = query.search?.trim() || undefined;
    const { items, totalCount } = await this.series.list(tenantId, dataset.id, { search, attributes: where }, page);
    return { items, totalCount, offset: page.offset };
  }

  getByKey(tenantId: number, datasetId: number, key: string): Promise<SeriesRecord | undefined> {
    return this.series.getByKey(tenantId, datasetId, key);
  }
}
