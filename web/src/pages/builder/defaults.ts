import type { FieldType } from './operators';
import type { EventNode, FilterDraft, LeafNode, LeafType, StepDraft } from './tree';
import { newKey } from './tree';
import { allTraits, type Catalog, eventsByCount } from './use-catalog';

/**
 * New conditions start valid, from what the catalog says is there: the most frequent event, a trait with known
 * values, a numeric property to aggregate. The live count then answers at once, and the user edits from there.
 */

const firstEvent = (catalog: Catalog): string => eventsByCount(catalog)[0]?.name ?? '';

export function newEvent(catalog: Catalog): EventNode {
  return { key: newKey(), type: 'event', event: firstEvent(catalog), count: { op: '>=', value: 1 } };
}

/** A filter on the first property of an event, compared with its most common value. */
export function newFilter(catalog: Catalog, event: string): FilterDraft {
  const property = catalog.events.find((e) => e.name === event)?.properties.find((p) => p.examples.length > 0);
  if (!property) return { key: newKey(), property: '', op: 'exists' };
  return { key: newKey(), property: property.path, op: '=', value: property.examples[0] as string | number | boolean };
}

export function newStep(catalog: Catalog, index: number): StepDraft {
  return { key: newKey(), event: eventsByCount(catalog)[index]?.name ?? firstEvent(catalog) };
}

const scalarTypes: readonly FieldType[] = ['string', 'number', 'boolean'];

export function newLeaf(type: LeafType, catalog: Catalog, selfId: string | null): LeafNode {
  switch (type) {
    case 'event':
      return newEvent(catalog);
    case 'trait': {
      const traits = allTraits(catalog);
      const trait =
        traits.find(
          (t) => t.source === 'profile' && t.examples.length > 0 && t.types.some((x) => scalarTypes.includes(x)),
        ) ?? traits[0];
      if (!trait) return { key: newKey(), type: 'trait', trait: '', op: 'exists' };
      const example = trait.examples[0];
      return example === undefined
        ? { key: newKey(), type: 'trait', trait: trait.path, op: 'exists' }
        : { key: newKey(), type: 'trait', trait: trait.path, op: '=', value: example };
    }
    case 'aggregate': {
      for (const event of eventsByCount(catalog)) {
        const property = event.properties.find((p) => p.types.includes('number'));
        if (property)
          return {
            key: newKey(),
            type: 'aggregate',
            fn: 'sum',
            event: event.name,
            property: property.path,
            op: '>=',
            value: 1,
          };
      }
      return {
        key: newKey(),
        type: 'aggregate',
        fn: 'count_distinct',
        event: firstEvent(catalog),
        property: '',
        op: '>=',
        value: 1,
      };
    }
    case 'sequence':
      return { key: newKey(), type: 'sequence', steps: [newStep(catalog, 1), newStep(catalog, 0)] };
    case 'segment': {
      const other = catalog.segments.find((segment) => segment.id !== selfId);
      return { key: newKey(), type: 'segment', segment: other?.name ?? '' };
    }
  }
}

/** The kinds of condition, as the type picker names them. */
export const LEAF_LABELS: Record<LeafType, string> = {
  event: 'Did an event',
  trait: 'Has a trait',
  aggregate: 'Total of a property',
  sequence: 'Did events in order',
  segment: 'Is in a segment',
};
