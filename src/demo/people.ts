import type { Account } from './accounts.js';
import { type City, pickCity, pickCountry } from './geography.js';
import type { Persona } from './personas.js';
import type { Random } from './random.js';
import { Weighted } from './random.js';

/** Who a demo user is: the demographic traits sent on their first `identify`. */

export type Gender = 'female' | 'male' | 'non_binary' | 'undisclosed';
export type Channel = 'organic' | 'paid_search' | 'social' | 'referral' | 'email' | 'partner';
export type Device = 'desktop' | 'mobile' | 'tablet';

export interface PersonTraits {
  readonly email: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly name: string;
  readonly age: number;
  readonly gender: Gender;
  readonly country: string;
  readonly city: string;
  readonly acquisition_channel: Channel;
  readonly device: Device;
}

export interface Person {
  readonly traits: PersonTraits;
  readonly city: City;
}

const FEMALE =
  'Emma Olivia Sofia Mia Hanna Lea Chloe Maya Aisha Yuki Priya Clara Julia Elena Sara Nora Ines Lucia Amara Zoe';
const MALE =
  'Liam Noah Lucas Leon Mateo Arjun Kenji Omar Felix Hugo David Daniel Samuel Jonas Marco Theo Ivan Ravi Ben Max';
const NEUTRAL = 'Alex Sam Robin Charlie Kai Jordan Taylor Noel Ari Sasha';
const LAST =
  'Smith Johnson Garcia Muller Martin Rossi Silva Tanaka Patel Kim Nguyen Brown Schmidt Dubois Jansen Lopez Novak ' +
  'Andersson Kowalski Murphy Cohen Sato Singh Costa Berg Fischer Moreau Walker Evans Clarke';

const firstNames: Readonly<Record<Gender, readonly string[]>> = {
  female: FEMALE.split(' '),
  male: MALE.split(' '),
  non_binary: NEUTRAL.split(' '),
  undisclosed: [...FEMALE.split(' '), ...MALE.split(' '), ...NEUTRAL.split(' ')],
};
const lastNames = LAST.split(' ');

const GENDERS = new Weighted<Gender>([
  ['female', 49],
  ['male', 47],
  ['non_binary', 2],
  ['undisclosed', 2],
]);

const CHANNELS: Readonly<Record<'consumer' | 'bargain' | 'business', Weighted<Channel>>> = {
  consumer: new Weighted([
    ['organic', 30],
    ['paid_search', 22],
    ['social', 18],
    ['referral', 12],
    ['email', 10],
    ['partner', 8],
  ]),
  // Deal seekers mostly arrive through newsletters and ads.
  bargain: new Weighted([
    ['organic', 15],
    ['paid_search', 25],
    ['social', 22],
    ['referral', 8],
    ['email', 27],
    ['partner', 3],
  ]),
  business: new Weighted([
    ['organic', 25],
    ['paid_search', 15],
    ['social', 5],
    ['referral', 20],
    ['email', 10],
    ['partner', 25],
  ]),
};

const DEVICES: Readonly<Record<'consumer' | 'business', Weighted<Device>>> = {
  consumer: new Weighted([
    ['mobile', 50],
    ['desktop', 40],
    ['tablet', 10],
  ]),
  business: new Weighted([
    ['desktop', 75],
    ['mobile', 20],
    ['tablet', 5],
  ]),
};

/** The demographics of user `index`; business users mostly live in their account's country. */
export function describePerson(random: Random, index: number, persona: Persona, account: Account | null): Person {
  const gender = GENDERS.pick(random);
  const first = random.pick(firstNames[gender]);
  const last = random.pick(lastNames);
  const country = account && random.chance(0.85) ? account.traits.country : pickCountry(random);
  const city = pickCity(random, country);
  // Big spenders skew a little older (more disposable income); everyone is 18–80.
  const age = Math.round(Math.min(80, Math.max(18, random.normal(persona === 'loyal_big_spender' ? 42 : 36, 12))));
  const domain = account ? account.domain : random.pick(['example.com', 'example.org', 'example.net']);
  const channels = account ? CHANNELS.business : persona === 'bargain_hunter' ? CHANNELS.bargain : CHANNELS.consumer;
  return {
    city,
    traits: {
      // The index makes every address unique; the demo's domains are reserved example domains.
      email: `${first}.${last}${index}@${domain}`.toLowerCase(),
      first_name: first,
      last_name: last,
      name: `${first} ${last}`,
      age,
      gender,
      country,
      city: city.name,
      acquisition_channel: channels.pick(random),
      device: (account ? DEVICES.business : DEVICES.consumer).pick(random),
    },
  };
}
