import { createContext, useContext, useRef, useState } from 'react';
import { type Loaded, useApi } from '../../api/use-api';
import type { FieldType } from './operators';
import type { Scalar } from './rule-types';

/** `GET /api/catalog`: what rules can refer to, from a sample of the workspace's data (docs/api.md). */
export interface CatalogField {
  readonly path: string;
  readonly types: readonly FieldType[];
  readonly examples: readonly Scalar[];
}

export interface CatalogTrait extends CatalogField {
  readonly source: 'profile' | 'computed';
}

export interface CatalogEvent {
  readonly name: string;
  readonly count: number;
  readonly lastSeen: string | null;
  readonly properties: readonly CatalogField[];
}

export interface Catalog {
  readonly asOf: string;
  readonly sampled: { readonly events: number; readonly profiles: number; readonly accounts: number };
  readonly events: readonly CatalogEvent[];
  readonly traits: readonly CatalogTrait[];
  readonly accountTraits: readonly CatalogField[];
  readonly segments: readonly { readonly id: string; readonly name: string }[];
}

/**
 * The catalog, and a way to take a new sample instead of the server's cached one. A failed new sample keeps the
 * previous catalog (with the error beside it), so the editor built on it stays.
 */
export function useCatalog(): Loaded<Catalog> & { readonly resample: () => void } {
  const [refresh, setRefresh] = useState(false);
  const result = useApi<Catalog>('/api/catalog', { refresh: refresh ? 1 : undefined });
  const last = useRef<Catalog | undefined>(undefined);
  if (result.data) last.current = result.data;
  return {
    ...result,
    data: result.data ?? last.current,
    resample: () => (refresh ? result.reload() : setRefresh(true)),
  };
}

/** The catalog and the segment being edited, for every editor below the page. */
export interface BuilderContextValue {
  readonly catalog: Catalog;
  /** The id of the segment being edited (it cannot refer to itself); null for a new one. */
  readonly selfId: string | null;
}

export const CatalogContext = createContext<BuilderContextValue | null>(null);

export function useCatalogContext(): BuilderContextValue {
  const value = useContext(CatalogContext);
  if (!value) throw new Error('internal error: the builder editors need a CatalogContext');
  return value;
}

/** Every trait a rule can read: the profile's, the computed ones and the account's, by path. */
export function allTraits(catalog: Catalog): CatalogTrait[] {
  return [...catalog.traits, ...catalog.accountTraits.map((field) => ({ ...field, source: 'profile' as const }))];
}

export const traitField = (catalog: Catalog, path: string): CatalogField | undefined =>
  allTraits(catalog).find((trait) => trait.path === path);

export const eventOf = (catalog: Catalog, name: string): CatalogEvent | undefined =>
  catalog.events.find((event) => event.name === name);

export const propertyField = (catalog: Catalog, event: string, path: string): CatalogField | undefined =>
  eventOf(catalog, event)?.properties.find((property) => property.path === path);

/** Events, most frequent first: new conditions start with the event most users did. */
export const eventsByCount = (catalog: Catalog): CatalogEvent[] =>
  [...catalog.events].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
