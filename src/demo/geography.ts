import { type Random, Weighted } from './random.js';

/**
 * Where demo users and accounts are: countries weighted roughly like a Western online shop's audience, each with
 * its own cities, so a city always belongs to its country. The UTC offset (standard time; daylight saving is
 * ignored) moves activity to local evenings.
 */

export interface City {
  readonly name: string;
  readonly country: string;
  readonly utcOffsetHours: number;
}

const COUNTRIES: readonly (readonly [country: string, weight: number, cities: readonly [string, number][]])[] = [
  [
    'United States',
    30,
    [
      ['New York', -5],
      ['Los Angeles', -8],
      ['Chicago', -6],
      ['Houston', -6],
      ['Seattle', -8],
      ['Austin', -6],
      ['Boston', -5],
      ['Miami', -5],
    ],
  ],
  [
    'United Kingdom',
    12,
    [
      ['London', 0],
      ['Manchester', 0],
      ['Birmingham', 0],
      ['Edinburgh', 0],
      ['Bristol', 0],
    ],
  ],
  [
    'Germany',
    10,
    [
      ['Berlin', 1],
      ['Munich', 1],
      ['Hamburg', 1],
      ['Cologne', 1],
      ['Frankfurt', 1],
    ],
  ],
  [
    'France',
    8,
    [
      ['Paris', 1],
      ['Lyon', 1],
      ['Marseille', 1],
      ['Toulouse', 1],
    ],
  ],
  [
    'Canada',
    6,
    [
      ['Toronto', -5],
      ['Vancouver', -8],
      ['Montreal', -5],
    ],
  ],
  [
    'Spain',
    5,
    [
      ['Madrid', 1],
      ['Barcelona', 1],
      ['Valencia', 1],
    ],
  ],
  [
    'Australia',
    5,
    [
      ['Sydney', 10],
      ['Melbourne', 10],
      ['Brisbane', 10],
    ],
  ],
  [
    'India',
    5,
    [
      ['Bengaluru', 5.5],
      ['Mumbai', 5.5],
      ['Delhi', 5.5],
    ],
  ],
  [
    'Netherlands',
    4,
    [
      ['Amsterdam', 1],
      ['Rotterdam', 1],
      ['Utrecht', 1],
    ],
  ],
  [
    'Italy',
    4,
    [
      ['Milan', 1],
      ['Rome', 1],
      ['Turin', 1],
    ],
  ],
  [
    'Brazil',
    4,
    [
      ['São Paulo', -3],
      ['Rio de Janeiro', -3],
    ],
  ],
  [
    'Japan',
    4,
    [
      ['Tokyo', 9],
      ['Osaka', 9],
    ],
  ],
  [
    'Sweden',
    3,
    [
      ['Stockholm', 1],
      ['Gothenburg', 1],
    ],
  ],
];

export const countries: readonly string[] = COUNTRIES.map(([country]) => country);

const countryChoice = new Weighted(COUNTRIES.map(([country, weight]) => [country, weight] as const));

// Within a country the first-listed (largest) city is the most likely: weight 1/(rank + 1).
const cityChoices: ReadonlyMap<string, Weighted<City>> = new Map(
  COUNTRIES.map(([country, , cities]) => [
    country,
    new Weighted(cities.map(([name, utcOffsetHours], rank) => [{ name, country, utcOffsetHours }, 1 / (rank + 1)])),
  ]),
);

export function pickCountry(random: Random): string {
  return countryChoice.pick(random);
}

/** A city of the given country. */
export function pickCity(random: Random, country: string): City {
  const choice = cityChoices.get(country);
  if (!choice) throw new Error(`internal error: no cities for ${country}`);
  return choice.pick(random);
}

/** Every (country, city) pair the demo uses, for tests and docs. */
export function allCities(): readonly City[] {
  return COUNTRIES.flatMap(([country, , cities]) =>
    cities.map(([name, utcOffsetHours]) => ({ name, country, utcOffsetHours })),
  );
}
