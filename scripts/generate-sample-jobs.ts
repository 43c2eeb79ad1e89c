/**
 * Generates `data/sample-jobs.json`, the offline data set of the `sample` jobs provider.
 *
 *   npx tsx scripts/generate-sample-jobs.ts
 *
 * The output is deterministic (a seeded mulberry32 PRNG, no clock, no network), so running the
 * script again reproduces the committed file byte for byte. Every company, domain and person is
 * fictional; every domain is under example.com or example.org.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job, JobType } from '../client/types';

const SEED = 0x5eed_2026;
const JOB_COUNT = 240;
const FIRST_DAY = Date.UTC(2026, 8, 1, 0, 0, 0); // 2026-09-01T00:00:00Z
const LAST_DAY = Date.UTC(2026, 10, 20, 23, 59, 59); // 2026-11-20T23:59:59Z
const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'sample-jobs.json');

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(SEED);

function int(min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function chance(p: number): boolean {
  return random() < p;
}

function pick<T>(items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(random() * items.length)] as T;
}

function weighted<T>(items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

/** `count` distinct items, in random order. */
function sample<T>(items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    out.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  }
  return out;
}

function uuid(): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/\+/g, 'p')
    .replace(/#/g, 'sharp')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Replaces `{key}` placeholders; throws on an unknown key so templates cannot silently break. */
function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`template ${JSON.stringify(template)} uses unknown {${key}}`);
    return value;
  });
}

function listOf(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function article(word: string): string {
  if (/^(ML|SRE|MBA)\b/.test(word)) return 'an';
  if (/^(UX|UI|Uni)/.test(word)) return 'a';
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** "builds X" -> "build X", "is X" -> "are X": the company's verb phrase after "We". */
function plural(phrase: string): string {
  const [verb = '', ...rest] = phrase.split(' ');
  const base = verb === 'is' ? 'are' : /(ss|sh|ch|x)es$/.test(verb) ? verb.slice(0, -2) : verb.replace(/s$/, '');
  return [base, ...rest].join(' ');
}

function ul(items: readonly string[]): string {
  return `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
}

// ---------------------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------------------

interface City {
  currency: string;
  /** Salary level relative to Berlin. */
  pay: number;
  /** Yearly salaries are quoted in thousands unless the currency is yen. */
  symbol: string;
}

const cities = {
  Berlin: { currency: 'EUR', pay: 1, symbol: '€' },
  Munich: { currency: 'EUR', pay: 1.1, symbol: '€' },
  Hamburg: { currency: 'EUR', pay: 1, symbol: '€' },
  London: { currency: 'GBP', pay: 1, symbol: '£' },
  Amsterdam: { currency: 'EUR', pay: 1.05, symbol: '€' },
  Paris: { currency: 'EUR', pay: 1, symbol: '€' },
  Madrid: { currency: 'EUR', pay: 0.75, symbol: '€' },
  Barcelona: { currency: 'EUR', pay: 0.75, symbol: '€' },
  Lisbon: { currency: 'EUR', pay: 0.65, symbol: '€' },
  Milan: { currency: 'EUR', pay: 0.8, symbol: '€' },
  Warsaw: { currency: 'PLN', pay: 3.2, symbol: 'PLN ' },
  Stockholm: { currency: 'SEK', pay: 9.5, symbol: 'SEK ' },
  Dublin: { currency: 'EUR', pay: 1.1, symbol: '€' },
  Zurich: { currency: 'CHF', pay: 1.7, symbol: 'CHF ' },
  'New York': { currency: 'USD', pay: 2, symbol: '$' },
  'San Francisco': { currency: 'USD', pay: 2.2, symbol: '$' },
  Austin: { currency: 'USD', pay: 1.7, symbol: '$' },
  Seattle: { currency: 'USD', pay: 2, symbol: '$' },
  Toronto: { currency: 'CAD', pay: 1.7, symbol: 'CA$' },
  Tokyo: { currency: 'JPY', pay: 110, symbol: '¥' },
  Singapore: { currency: 'SGD', pay: 1.6, symbol: 'S$' },
  Sydney: { currency: 'AUD', pay: 1.9, symbol: 'A$' },
  Remote: { currency: 'EUR', pay: 0.95, symbol: '€' },
} satisfies Record<string, City>;

type Location = keyof typeof cities;

const germanCities: readonly Location[] = ['Berlin', 'Munich', 'Hamburg'];

// ---------------------------------------------------------------------------------------------
// Companies (all fictional)
// ---------------------------------------------------------------------------------------------

type FamilyKey =
  | 'backend'
  | 'frontend'
  | 'fullstack'
  | 'mobile'
  | 'dataEngineering'
  | 'dataScience'
  | 'ml'
  | 'devops'
  | 'security'
  | 'qa'
  | 'embedded'
  | 'product'
  | 'design'
  | 'management'
  | 'devrel';

interface Company {
  name: string;
  slug: string;
  tld: 'example.com' | 'example.org';
  /** Verb phrase: "<company> builds ..." */
  what: string;
  industry: string;
  founded: number;
  size: number;
  offices: Location[];
  /** Chance that one of its jobs is advertised as Remote. */
  remote: number;
  /** How many jobs it posts, relatively. */
  weight: number;
  /** Job families it hires more for. */
  focus: FamilyKey[];
  hasWebsite: boolean;
  hasLogo: boolean;
}

const companies: Company[] = [
  {
    name: 'Acme Analytics',
    slug: 'acme-analytics',
    tld: 'example.com',
    what: 'builds self-service analytics for mid-sized retailers',
    industry: 'retail analytics',
    founded: 2016,
    size: 180,
    offices: ['Berlin', 'Amsterdam'],
    remote: 0.15,
    weight: 4,
    focus: ['dataEngineering', 'dataScience', 'frontend'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Bluefin Logistics',
    slug: 'bluefin-logistics',
    tld: 'example.com',
    what: 'runs a booking and tracking platform for ocean and rail freight',
    industry: 'logistics',
    founded: 2014,
    size: 420,
    offices: ['Hamburg', 'Singapore', 'Amsterdam'],
    remote: 0.05,
    weight: 3,
    focus: ['backend', 'devops'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Cobalt Ledger',
    slug: 'cobalt-ledger',
    tld: 'example.com',
    what: 'gives small businesses real-time bookkeeping and tax filing',
    industry: 'fintech',
    founded: 2019,
    size: 95,
    offices: ['London', 'Lisbon'],
    remote: 0.2,
    weight: 3,
    focus: ['backend', 'fullstack', 'security'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Driftwood Health',
    slug: 'driftwood-health',
    tld: 'example.com',
    what: 'connects patients with physiotherapists through video consultations',
    industry: 'digital health',
    founded: 2018,
    size: 140,
    offices: ['Berlin', 'Munich'],
    remote: 0.1,
    weight: 3,
    focus: ['mobile', 'backend', 'design'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Emberline Energy',
    slug: 'emberline-energy',
    tld: 'example.com',
    what: 'optimises the charging of electric vehicle fleets against the power market',
    industry: 'energy',
    founded: 2020,
    size: 70,
    offices: ['Amsterdam', 'Munich'],
    remote: 0.1,
    weight: 2,
    focus: ['ml', 'backend', 'dataEngineering'],
    hasWebsite: true,
    hasLogo: false,
  },
  {
    name: 'Fernhill Learning',
    slug: 'fernhill-learning',
    tld: 'example.org',
    what: 'publishes free maths and science courses for secondary schools',
    industry: 'education',
    founded: 2012,
    size: 60,
    offices: ['London', 'Remote'],
    remote: 0.4,
    weight: 2,
    focus: ['frontend', 'fullstack', 'design'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Glasswing Security',
    slug: 'glasswing-security',
    tld: 'example.com',
    what: 'detects account takeover attacks for online banks and shops',
    industry: 'cyber security',
    founded: 2017,
    size: 210,
    offices: ['New York', 'Warsaw'],
    remote: 0.15,
    weight: 3,
    focus: ['security', 'backend', 'ml'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Harborpine Retail',
    slug: 'harborpine-retail',
    tld: 'example.com',
    what: 'sells sustainable furniture online in twelve countries',
    industry: 'e-commerce',
    founded: 2011,
    size: 900,
    offices: ['Stockholm', 'Berlin'],
    remote: 0.05,
    weight: 3,
    focus: ['frontend', 'backend', 'product'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Ironbark Robotics',
    slug: 'ironbark-robotics',
    tld: 'example.com',
    what: 'builds autonomous picking robots for warehouses',
    industry: 'robotics',
    founded: 2018,
    size: 160,
    offices: ['Munich', 'Zurich'],
    remote: 0,
    weight: 3,
    focus: ['embedded', 'ml', 'qa'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Juniper Mobility',
    slug: 'juniper-mobility',
    tld: 'example.com',
    what: 'operates shared e-bikes and scooters in 30 cities',
    industry: 'urban mobility',
    founded: 2017,
    size: 650,
    offices: ['Madrid', 'Paris', 'Milan'],
    remote: 0.05,
    weight: 3,
    focus: ['mobile', 'dataScience', 'backend'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Kestrel Payments',
    slug: 'kestrel-payments',
    tld: 'example.com',
    what: 'processes card and wallet payments for marketplaces',
    industry: 'payments',
    founded: 2015,
    size: 500,
    offices: ['London', 'Dublin', 'Singapore'],
    remote: 0.1,
    weight: 4,
    focus: ['backend', 'security', 'devops'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Lumengrove Media',
    slug: 'lumengrove-media',
    tld: 'example.com',
    what: 'streams independent documentaries to subscribers in 40 countries',
    industry: 'media streaming',
    founded: 2016,
    size: 230,
    offices: ['Paris', 'Toronto'],
    remote: 0.1,
    weight: 2,
    focus: ['frontend', 'backend', 'dataScience'],
    hasWebsite: true,
    hasLogo: false,
  },
  {
    name: 'Marlowe Insurtech',
    slug: 'marlowe-insurtech',
    tld: 'example.com',
    what: 'sells pay-per-mile car insurance entirely through an app',
    industry: 'insurance',
    founded: 2019,
    size: 120,
    offices: ['Milan', 'Madrid'],
    remote: 0.15,
    weight: 2,
    focus: ['mobile', 'dataScience', 'qa'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Nimbusfield Cloud',
    slug: 'nimbusfield-cloud',
    tld: 'example.com',
    what: 'offers managed databases on a developer-friendly cloud',
    industry: 'cloud infrastructure',
    founded: 2015,
    size: 340,
    offices: ['San Francisco', 'Remote'],
    remote: 0.5,
    weight: 4,
    focus: ['devops', 'backend', 'devrel'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Orchard Loop',
    slug: 'orchard-loop',
    tld: 'example.com',
    what: 'delivers groceries from local farms within two hours',
    industry: 'quick commerce',
    founded: 2021,
    size: 300,
    offices: ['Berlin', 'Warsaw'],
    remote: 0.05,
    weight: 3,
    focus: ['backend', 'mobile', 'dataScience'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Pebblestack',
    slug: 'pebblestack',
    tld: 'example.com',
    what: 'makes a visual website builder for small businesses',
    industry: 'SaaS',
    founded: 2013,
    size: 260,
    offices: ['Lisbon', 'Remote'],
    remote: 0.35,
    weight: 3,
    focus: ['frontend', 'fullstack', 'design'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Quillfeather Books',
    slug: 'quillfeather-books',
    tld: 'example.com',
    what: 'runs a subscription service for audiobooks and e-books',
    industry: 'publishing',
    founded: 2010,
    size: 380,
    offices: ['Stockholm', 'London'],
    remote: 0.1,
    weight: 2,
    focus: ['mobile', 'dataScience', 'product'],
    hasWebsite: true,
    hasLogo: false,
  },
  {
    name: 'Riverstone Travel',
    slug: 'riverstone-travel',
    tld: 'example.com',
    what: 'sells rail and ferry trips across Europe in a single booking',
    industry: 'travel',
    founded: 2014,
    size: 210,
    offices: ['Amsterdam', 'Barcelona'],
    remote: 0.1,
    weight: 2,
    focus: ['frontend', 'backend', 'product'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Saltmarsh Foods',
    slug: 'saltmarsh-foods',
    tld: 'example.com',
    what: 'produces plant-based seafood and sells it through supermarkets and online',
    industry: 'food',
    founded: 2019,
    size: 110,
    offices: ['Hamburg'],
    remote: 0.05,
    weight: 1,
    focus: ['dataScience', 'fullstack'],
    hasWebsite: true,
    hasLogo: false,
  },
  {
    name: 'Tidewater Maps',
    slug: 'tidewater-maps',
    tld: 'example.com',
    what: 'builds offline maps and routing for hikers and sailors',
    industry: 'mapping',
    founded: 2012,
    size: 85,
    offices: ['Zurich', 'Remote'],
    remote: 0.4,
    weight: 2,
    focus: ['mobile', 'backend'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Umbra Games',
    slug: 'umbra-games',
    tld: 'example.com',
    what: 'develops cooperative strategy games for PC and consoles',
    industry: 'games',
    founded: 2013,
    size: 190,
    offices: ['Toronto', 'Warsaw'],
    remote: 0.1,
    weight: 2,
    focus: ['backend', 'qa', 'design'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Vantaloop',
    slug: 'vantaloop',
    tld: 'example.com',
    what: 'gives sales teams an AI assistant that writes and schedules follow-ups',
    industry: 'sales software',
    founded: 2022,
    size: 45,
    offices: ['New York', 'Austin'],
    remote: 0.3,
    weight: 2,
    focus: ['ml', 'fullstack', 'product'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Willowbyte',
    slug: 'willowbyte',
    tld: 'example.com',
    what: 'builds payroll and HR software for companies with 10 to 500 employees',
    industry: 'HR software',
    founded: 2016,
    size: 310,
    offices: ['Dublin', 'London'],
    remote: 0.2,
    weight: 2,
    focus: ['backend', 'frontend', 'qa'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Xylo Music Labs',
    slug: 'xylo-music-labs',
    tld: 'example.com',
    what: 'makes collaborative music production software for the browser',
    industry: 'music technology',
    founded: 2018,
    size: 55,
    offices: ['Berlin', 'Remote'],
    remote: 0.3,
    weight: 2,
    focus: ['frontend', 'fullstack', 'design'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Yellowfin Data',
    slug: 'yellowfin-data',
    tld: 'example.com',
    what: 'provides a managed data warehouse for e-commerce brands',
    industry: 'data infrastructure',
    founded: 2017,
    size: 150,
    offices: ['Austin', 'Toronto'],
    remote: 0.3,
    weight: 3,
    focus: ['dataEngineering', 'devops', 'devrel'],
    hasWebsite: true,
    hasLogo: false,
  },
  {
    name: 'Zephyr Grid',
    slug: 'zephyr-grid',
    tld: 'example.com',
    what: 'forecasts wind and solar output for grid operators',
    industry: 'renewable energy',
    founded: 2015,
    size: 90,
    offices: ['Madrid', 'Sydney'],
    remote: 0.15,
    weight: 2,
    focus: ['ml', 'dataEngineering', 'backend'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Amberlane Property',
    slug: 'amberlane-property',
    tld: 'example.com',
    what: 'manages rental apartments with a tenant app and a landlord portal',
    industry: 'proptech',
    founded: 2018,
    size: 130,
    offices: ['Munich', 'Berlin'],
    remote: 0.1,
    weight: 2,
    focus: ['fullstack', 'mobile', 'product'],
    hasWebsite: false,
    hasLogo: false,
  },
  {
    name: 'Brightkettle',
    slug: 'brightkettle',
    tld: 'example.com',
    what: 'runs a marketplace for home cleaning and repairs',
    industry: 'marketplaces',
    founded: 2016,
    size: 270,
    offices: ['Paris', 'Lisbon'],
    remote: 0.1,
    weight: 2,
    focus: ['backend', 'mobile', 'dataScience'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Copperleaf Bank',
    slug: 'copperleaf-bank',
    tld: 'example.com',
    what: 'is a licensed mobile bank for freelancers',
    industry: 'banking',
    founded: 2017,
    size: 700,
    offices: ['Berlin', 'Milan', 'Barcelona'],
    remote: 0.05,
    weight: 4,
    focus: ['backend', 'security', 'mobile'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Dunemoth Studio',
    slug: 'dunemoth-studio',
    tld: 'example.com',
    what: 'builds websites, apps and installations for museums and cultural institutions',
    industry: 'digital agency',
    founded: 2009,
    size: 40,
    offices: ['Amsterdam'],
    remote: 0.2,
    weight: 1,
    focus: ['design', 'frontend'],
    hasWebsite: true,
    hasLogo: false,
  },
  {
    name: 'Everpine HR',
    slug: 'everpine-hr',
    tld: 'example.com',
    what: 'helps hospitals schedule shifts for nurses and doctors',
    industry: 'healthcare software',
    founded: 2015,
    size: 160,
    offices: ['Toronto', 'Seattle'],
    remote: 0.25,
    weight: 2,
    focus: ['fullstack', 'qa', 'product'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Foxglove Clinics',
    slug: 'foxglove-clinics',
    tld: 'example.com',
    what: 'operates a network of walk-in clinics with online booking and digital records',
    industry: 'healthcare',
    founded: 2013,
    size: 1200,
    offices: ['Sydney', 'Singapore'],
    remote: 0.05,
    weight: 2,
    focus: ['backend', 'security', 'dataEngineering'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Granite Owl',
    slug: 'granite-owl',
    tld: 'example.com',
    what: 'builds observability tooling for distributed systems',
    industry: 'developer tools',
    founded: 2019,
    size: 120,
    offices: ['Seattle', 'Remote'],
    remote: 0.5,
    weight: 3,
    focus: ['devops', 'backend', 'devrel'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Hollowreed Audio',
    slug: 'hollowreed-audio',
    tld: 'example.com',
    what: 'makes wireless hearing aids with a companion app',
    industry: 'consumer hardware',
    founded: 2014,
    size: 240,
    offices: ['Stockholm', 'Tokyo'],
    remote: 0,
    weight: 2,
    focus: ['embedded', 'mobile', 'qa'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Inkwell Legal',
    slug: 'inkwell-legal',
    tld: 'example.com',
    what: 'automates contract review for in-house legal teams',
    industry: 'legal tech',
    founded: 2020,
    size: 75,
    offices: ['London', 'New York'],
    remote: 0.25,
    weight: 2,
    focus: ['ml', 'fullstack', 'product'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Jadeport Shipping',
    slug: 'jadeport-shipping',
    tld: 'example.com',
    what: 'brokers container space between shippers and carriers in Asia-Pacific',
    industry: 'shipping',
    founded: 2012,
    size: 330,
    offices: ['Singapore', 'Tokyo', 'Sydney'],
    remote: 0.05,
    weight: 2,
    focus: ['backend', 'dataEngineering'],
    hasWebsite: true,
    hasLogo: false,
  },
  {
    name: 'Kiteline Aerospace',
    slug: 'kiteline-aerospace',
    tld: 'example.com',
    what: 'builds small earth-observation satellites and the software that tasks them',
    industry: 'space',
    founded: 2018,
    size: 210,
    offices: ['Munich', 'Seattle'],
    remote: 0,
    weight: 2,
    focus: ['embedded', 'dataEngineering', 'qa'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Lanternfish Labs',
    slug: 'lanternfish-labs',
    tld: 'example.com',
    what: 'trains computer-vision models that inspect wind turbine blades from drone footage',
    industry: 'industrial AI',
    founded: 2021,
    size: 35,
    offices: ['Berlin', 'Remote'],
    remote: 0.3,
    weight: 2,
    focus: ['ml', 'backend', 'devops'],
    hasWebsite: true,
    hasLogo: true,
  },
  {
    name: 'Mossbank Farms',
    slug: 'mossbank-farms',
    tld: 'example.org',
    what: 'is a cooperative that helps 3,000 small farms sell directly to restaurants',
    industry: 'agriculture',
    founded: 2010,
    size: 50,
    offices: ['Lisbon', 'Remote'],
    remote: 0.3,
    weight: 1,
    focus: ['fullstack', 'product'],
    hasWebsite: false,
    hasLogo: false,
  },
  {
    name: 'Nettlebrook Telecom',
    slug: 'nettlebrook-telecom',
    tld: 'example.com',
    what: 'sells prepaid mobile plans through an app-only network',
    industry: 'telecommunications',
    founded: 2016,
    size: 560,
    offices: ['Warsaw', 'Madrid', 'Tokyo'],
    remote: 0.05,
    weight: 2,
    focus: ['backend', 'devops', 'mobile'],
    hasWebsite: true,
    hasLogo: true,
  },
];

const domainOf = (company: Company) => `${company.slug}.${company.tld}`;
const websiteOf = (company: Company) => `https://${domainOf(company)}`;

// ---------------------------------------------------------------------------------------------
// Job families: titles, teams, technology stacks and sentence pools
// ---------------------------------------------------------------------------------------------

interface Family {
  titles: string[];
  internTitle: string;
  teams: string[];
  /** Each stack is one coherent set of technologies; a job takes the first two and a sample of the rest. */
  stacks: string[][];
  /** Shown in the title, e.g. "Backend Engineer (Go)", when a stack has one. */
  titleTag?: (stack: string[]) => string | undefined;
  /** Titles that fit a stack better than `titles` (e.g. "iOS Engineer" for Swift). */
  titlesFor?: (stack: string[]) => string[] | undefined;
  /** Templates with {t1}, {t2}, {t3}, {tech}, {team}, {product}, {company}, {industry}. */
  duties: string[];
  requirements: string[];
  /** Seniority applies unless false (e.g. "Engineering Manager"). */
  seniority: boolean;
  weight: number;
}

const families: Record<FamilyKey, Family> = {
  backend: {
    titles: [
      'Backend Engineer',
      'Backend Developer',
      'Software Engineer, Backend',
      'API Engineer',
      'Software Engineer',
    ],
    internTitle: 'Backend Engineering Intern',
    teams: [
      'Payments',
      'Core API',
      'Integrations',
      'Search',
      'Checkout',
      'Identity',
      'Billing',
      'Catalog',
      'Notifications',
      'Partner API',
    ],
    stacks: [
      ['Node.js', 'TypeScript', 'PostgreSQL', 'Redis', 'AWS', 'Docker', 'GraphQL', 'Kafka'],
      ['Node.js', 'TypeScript', 'MongoDB', 'Express', 'AWS Lambda', 'DynamoDB', 'Terraform'],
      ['Go', 'gRPC', 'PostgreSQL', 'Kubernetes', 'Kafka', 'Prometheus', 'GCP'],
      ['Go', 'NATS', 'MySQL', 'Redis', 'Kubernetes', 'AWS'],
      ['Python', 'Django', 'PostgreSQL', 'Celery', 'Redis', 'Docker', 'AWS'],
      ['Python', 'FastAPI', 'PostgreSQL', 'SQLAlchemy', 'Kubernetes', 'GCP'],
      ['Java', 'Spring Boot', 'PostgreSQL', 'Kafka', 'Kubernetes', 'AWS'],
      ['Kotlin', 'Spring Boot', 'PostgreSQL', 'RabbitMQ', 'Docker', 'GCP'],
      ['Ruby', 'Ruby on Rails', 'PostgreSQL', 'Sidekiq', 'Redis', 'Heroku'],
      ['Elixir', 'Phoenix', 'PostgreSQL', 'Docker', 'AWS'],
      ['Rust', 'Tokio', 'PostgreSQL', 'Kafka', 'Kubernetes'],
      ['C#', '.NET', 'SQL Server', 'Azure', 'Docker', 'RabbitMQ'],
      ['PHP', 'Laravel', 'MySQL', 'Redis', 'AWS'],
    ],
    titleTag: (stack) =>
      ({
        'Node.js': 'Node.js',
        Go: 'Go',
        Python: 'Python',
        Java: 'Java',
        Kotlin: 'Kotlin',
        Ruby: 'Ruby on Rails',
        Elixir: 'Elixir',
        Rust: 'Rust',
        'C#': '.NET',
        PHP: 'PHP',
      })[stack[0] as string],
    duties: [
      'Design, build and run the services behind our {team} domain, mostly in {t1} with {t3}',
      'Own features end to end: from the API contract to monitoring in production',
      'Break a monolith into well-defined services without stopping the business',
      'Keep p99 latency low as traffic grows, profiling {t1} code and tuning {t3} queries',
      'Write clear design documents and review code with care',
      'Take part in a fair, well-paid on-call rotation (one week in six)',
      'Work with product and design to turn vague problems into small, shippable steps',
      'Improve our test suite and CI so that we can deploy {t1} services many times a day',
      'Model data for new products in {t3} and plan safe migrations',
      'Build event-driven integrations with partners using {tech}',
    ],
    requirements: [
      '{years} years of experience building backend systems, ideally with {t1}',
      'Solid knowledge of {t2} and of databases such as {t3}',
      'Experience designing REST or GraphQL APIs that other teams enjoy using',
      'A pragmatic attitude to testing: you know what to test and why',
      'Familiarity with {tech} is a plus, not a must',
      'You can explain technical trade-offs to non-engineers',
      'Experience running services in containers and in the cloud',
      'Curiosity about our domain: {industry} is full of interesting edge cases',
    ],
    seniority: true,
    weight: 16,
  },
  frontend: {
    titles: ['Frontend Engineer', 'Frontend Developer', 'Software Engineer, Frontend', 'UI Engineer', 'Web Developer'],
    internTitle: 'Frontend Development Intern',
    teams: ['Web App', 'Growth', 'Design System', 'Checkout', 'Onboarding', 'Dashboard', 'Editor', 'Storefront'],
    stacks: [
      ['React', 'TypeScript', 'Next.js', 'GraphQL', 'Jest', 'Playwright', 'Storybook'],
      ['React', 'TypeScript', 'Redux Toolkit', 'Vite', 'Testing Library', 'CSS Modules'],
      ['React', 'JavaScript', 'Tailwind CSS', 'Cypress', 'Webpack'],
      ['Vue.js', 'TypeScript', 'Nuxt', 'Pinia', 'Vitest', 'Tailwind CSS'],
      ['Vue.js', 'JavaScript', 'Vuex', 'Sass', 'Cypress'],
      ['Angular', 'TypeScript', 'RxJS', 'NgRx', 'Jasmine', 'Sass'],
      ['Svelte', 'TypeScript', 'SvelteKit', 'Vite', 'Playwright'],
    ],
    titleTag: (stack) =>
      ({ React: 'React', 'Vue.js': 'Vue.js', Angular: 'Angular', Svelte: 'Svelte' })[stack[0] as string],
    duties: [
      'Build fast, accessible interfaces in {t1} and {t2} for the {team} area',
      'Shape and grow our component library together with designers',
      'Turn Figma designs into pixel-perfect, responsive pages',
      'Measure and improve Core Web Vitals on our busiest pages',
      'Write tests with {tech} that catch regressions before our users do',
      'Pair with backend engineers on API design so the UI gets exactly the data it needs',
      'Make accessibility (WCAG 2.2 AA) part of every feature, not an afterthought',
      'Help migrate legacy pages to {t1}, one screen at a time',
    ],
    requirements: [
      '{years} years of professional experience with {t1} and {t2}',
      'A strong grasp of HTML, CSS and browser fundamentals',
      'Experience with {tech} or similar tooling',
      'An eye for detail and empathy for the people using what you build',
      'You know how to keep a large front-end code base maintainable',
      'Knowledge of web accessibility standards',
      'Some experience with performance profiling in the browser',
    ],
    seniority: true,
    weight: 12,
  },
  fullstack: {
    titles: ['Full Stack Engineer', 'Full Stack Developer', 'Software Engineer, Full Stack', 'Product Engineer'],
    internTitle: 'Software Engineering Intern',
    teams: ['Customer Portal', 'Internal Tools', 'Growth', 'Marketplace', 'Admin', 'Partner Portal', 'Self-Service'],
    stacks: [
      ['React', 'Node.js', 'PostgreSQL', 'TypeScript', 'Prisma', 'AWS'],
      ['React', 'Node.js', 'MongoDB', 'TypeScript', 'Next.js', 'Vercel'],
      ['Vue.js', 'Python', 'PostgreSQL', 'Django', 'Docker'],
      ['React', 'Ruby on Rails', 'PostgreSQL', 'Hotwire', 'Heroku'],
      ['Angular', 'Java', 'Oracle', 'Spring Boot', 'Kubernetes'],
      ['React', 'Go', 'PostgreSQL', 'gRPC', 'GCP'],
      ['Svelte', 'Elixir', 'PostgreSQL', 'Phoenix LiveView', 'Fly.io'],
      ['React', 'Python', 'PostgreSQL', 'FastAPI', 'Kubernetes'],
      ['Vue.js', 'PHP', 'MySQL', 'Laravel', 'AWS'],
    ],
    duties: [
      'Ship product features across the stack: {t1} in the browser, {t2} on the server',
      'Own the {team} product area together with a product manager and a designer',
      'Talk to customers and turn their feedback into improvements',
      'Design database schemas in {t3} and evolve them safely',
      'Keep the code base simple enough that a new colleague can ship on day three',
      'Run small experiments, measure them and clean up after them',
      'Review pull requests and mentor other engineers',
    ],
    requirements: [
      '{years} years of experience building web applications end to end',
      'Comfort with {t1} on the front end and {t2} on the back end',
      'Good database skills, ideally with {t3}; experience with {tech} is a plus',
      'A product mindset: you care about why a feature exists, not only how it works',
      'Clear written communication in English',
      'Experience in {industry} is a bonus',
    ],
    seniority: true,
    weight: 10,
  },
  mobile: {
    titles: ['Mobile Engineer', 'iOS Engineer', 'Android Engineer', 'Mobile Developer'],
    internTitle: 'Mobile Development Intern',
    teams: ['Consumer App', 'Rider App', 'Partner App', 'Payments', 'Onboarding', 'Core Mobile'],
    stacks: [
      ['Swift', 'SwiftUI', 'Combine', 'XCTest', 'Fastlane'],
      ['Swift', 'UIKit', 'Core Data', 'XCTest', 'Bitrise'],
      ['Kotlin', 'Jetpack Compose', 'Coroutines', 'Hilt', 'Gradle'],
      ['Kotlin', 'Android SDK', 'Room', 'Espresso', 'Firebase'],
      ['React Native', 'TypeScript', 'Expo', 'Redux', 'Detox'],
      ['Flutter', 'Dart', 'Bloc', 'Firebase', 'Codemagic'],
      ['Kotlin Multiplatform', 'Swift', 'Kotlin', 'Ktor', 'SQLDelight'],
    ],
    titleTag: (stack) =>
      ({ 'React Native': 'React Native', Flutter: 'Flutter', 'Kotlin Multiplatform': 'Kotlin Multiplatform' })[
        stack[0] as string
      ],
    titlesFor: (stack) =>
      stack[0] === 'Swift'
        ? ['iOS Engineer', 'iOS Developer', 'Mobile Engineer']
        : stack[0] === 'Kotlin'
          ? ['Android Engineer', 'Android Developer', 'Mobile Engineer']
          : ['Mobile Engineer', 'Mobile Developer'],
    duties: [
      'Build and release new features in our app with {t1} and {t2}',
      'Keep the crash-free rate above 99.8% and the app start time low',
      'Work with designers on smooth animations and accessible screens',
      'Automate builds and releases with {tech}',
      'Own the {team} experience from idea to App Store and Google Play release',
      'Help define our mobile architecture and coding guidelines',
    ],
    requirements: [
      '{years} years of experience shipping mobile apps with {t1}',
      'Experience with {t2} and modern app architecture (MVVM, unidirectional data flow)',
      'You have published at least one app to the App Store or Google Play',
      'Knowledge of {tech} is nice to have',
      'You care about performance, offline behaviour and battery life',
    ],
    seniority: true,
    weight: 7,
  },
  dataEngineering: {
    titles: ['Data Engineer', 'Analytics Engineer', 'Data Platform Engineer'],
    internTitle: 'Data Engineering Intern',
    teams: ['Data Platform', 'Analytics', 'Data Products', 'Reporting', 'Customer Data'],
    stacks: [
      ['Python', 'Apache Airflow', 'dbt', 'Snowflake', 'AWS'],
      ['Python', 'Apache Spark', 'Databricks', 'Delta Lake', 'Azure'],
      ['Python', 'dbt', 'BigQuery', 'Looker', 'GCP'],
      ['Scala', 'Apache Spark', 'Kafka', 'Flink', 'Kubernetes'],
      ['Python', 'Dagster', 'DuckDB', 'PostgreSQL', 'Terraform'],
      ['Python', 'Kafka', 'Debezium', 'ClickHouse', 'Kubernetes'],
    ],
    duties: [
      'Build reliable batch and streaming pipelines with {t1}, {t2} and {t3}',
      'Model data in the warehouse so analysts can answer questions on their own',
      'Own data quality: tests, alerts and clear ownership for every table',
      'Reduce warehouse costs without slowing anyone down',
      'Work with the {team} team to make {tech} the backbone of our reporting',
      'Document data sets so people across {company} can trust and find them',
    ],
    requirements: [
      '{years} years of experience as a data engineer or backend engineer working with data',
      'Excellent SQL and good {t1} skills',
      'Hands-on experience with {t2} or a comparable tool',
      'Experience with {tech} is a plus',
      'You think about data as a product with users',
    ],
    seniority: true,
    weight: 7,
  },
  dataScience: {
    titles: ['Data Scientist', 'Data Analyst', 'Product Analyst', 'Decision Scientist'],
    internTitle: 'Data Science Intern',
    teams: ['Pricing', 'Growth', 'Marketplace', 'Risk', 'Operations', 'Customer Insights'],
    stacks: [
      ['Python', 'SQL', 'pandas', 'scikit-learn', 'Jupyter', 'Looker'],
      ['R', 'SQL', 'tidyverse', 'Shiny', 'BigQuery'],
      ['Python', 'SQL', 'Tableau', 'dbt', 'Amplitude'],
      ['Python', 'SQL', 'statsmodels', 'Databricks', 'Power BI'],
    ],
    duties: [
      'Design and analyse A/B tests for the {team} team',
      'Build forecasting and pricing models in {t1}',
      'Turn messy questions into clear analyses and recommendations',
      'Create dashboards and self-serve reports that people actually use',
      'Partner with product managers to define success metrics',
      'Present findings to leadership in plain language',
      'Work with {tech} every day, and help choose the next tools we adopt',
    ],
    requirements: [
      '{years} years of experience in analytics or data science',
      'Strong {t1} and {t2} skills',
      'A solid foundation in statistics and experiment design',
      'Experience with {tech} or similar tools',
      'You can tell a story with data and know when a simple chart beats a model',
      'A degree in a quantitative field, or equivalent experience',
    ],
    seniority: true,
    weight: 6,
  },
  ml: {
    titles: ['Machine Learning Engineer', 'ML Engineer', 'Applied Scientist', 'AI Engineer'],
    internTitle: 'Machine Learning Intern',
    teams: ['Recommendations', 'Forecasting', 'Computer Vision', 'Search Ranking', 'Fraud Detection', 'Applied AI'],
    stacks: [
      ['Python', 'PyTorch', 'MLflow', 'Kubernetes', 'AWS SageMaker'],
      ['Python', 'TensorFlow', 'Vertex AI', 'BigQuery', 'GCP'],
      ['Python', 'PyTorch', 'Ray', 'Kubernetes', 'ONNX'],
      ['Python', 'LLM APIs', 'LangChain', 'pgvector', 'FastAPI'],
      ['Python', 'XGBoost', 'Feast', 'Airflow', 'Docker'],
      ['Python', 'OpenCV', 'PyTorch', 'NVIDIA Triton', 'CUDA'],
    ],
    duties: [
      'Train, evaluate and ship models for {team} with {t1} and {t2}',
      'Build the pipelines that take a model from notebook to production',
      'Monitor models in production for drift and degraded quality',
      'Work with product teams to find problems where machine learning really helps',
      'Use {tech} to make training and inference fast and cheap',
      'Keep up with research and decide what is worth trying',
    ],
    requirements: [
      '{years} years of experience putting machine learning models into production',
      'Strong {t1} engineering skills and experience with {t2}',
      'A good understanding of evaluation, bias and failure modes of models',
      'Experience with {tech} is a plus',
      'An MSc or PhD in a quantitative field, or equivalent practical experience',
    ],
    seniority: true,
    weight: 6,
  },
  devops: {
    titles: [
      'DevOps Engineer',
      'Site Reliability Engineer',
      'Platform Engineer',
      'Cloud Engineer',
      'Infrastructure Engineer',
    ],
    internTitle: 'Platform Engineering Intern',
    teams: ['Platform', 'Infrastructure', 'Developer Experience', 'Reliability', 'Cloud'],
    stacks: [
      ['Kubernetes', 'Terraform', 'AWS', 'Helm', 'Argo CD', 'Prometheus', 'Grafana'],
      ['Kubernetes', 'Terraform', 'GCP', 'Istio', 'Go', 'OpenTelemetry'],
      ['AWS', 'Terraform', 'ECS', 'GitHub Actions', 'Python', 'Datadog'],
      ['Azure', 'Bicep', 'Kubernetes', 'Azure DevOps', 'PowerShell'],
      ['Linux', 'Ansible', 'Nomad', 'Consul', 'Bash', 'Prometheus'],
      ['Kubernetes', 'Crossplane', 'Go', 'Flux', 'Cilium'],
    ],
    titleTag: (stack) =>
      stack[0] === 'Kubernetes'
        ? 'Kubernetes'
        : stack[0] === 'Azure'
          ? 'Azure'
          : stack[0] === 'AWS'
            ? 'AWS'
            : undefined,
    duties: [
      'Run and improve our {t1} platform and the {t2} code that describes it',
      'Build golden paths so product teams can ship safely without thinking about infrastructure',
      'Improve observability and tooling around {tech}',
      'Lead incident reviews and turn them into lasting fixes',
      'Keep our cloud bill under control and our infrastructure secure',
      'Automate everything you have to do twice',
    ],
    requirements: [
      '{years} years of experience operating production infrastructure',
      'Deep knowledge of {t1} and {t2}',
      'Experience with {tech}',
      'Scripting or programming skills (Go, Python or Bash)',
      'A calm head during incidents and a habit of writing things down',
      'Good understanding of networking, Linux and security basics',
    ],
    seniority: true,
    weight: 8,
  },
  security: {
    titles: ['Security Engineer', 'Application Security Engineer', 'Cloud Security Engineer', 'Security Analyst'],
    internTitle: 'Security Engineering Intern',
    teams: ['Application Security', 'Cloud Security', 'Detection and Response', 'Security Engineering'],
    stacks: [
      ['OWASP', 'Burp Suite', 'Semgrep', 'Python', 'AWS'],
      ['AWS IAM', 'Terraform', 'Kubernetes', 'Wiz', 'Go'],
      ['SIEM', 'Splunk', 'Python', 'Sigma rules', 'EDR'],
      ['ISO 27001', 'SOC 2', 'Vanta', 'Okta', 'Google Workspace'],
    ],
    duties: [
      'Threat-model new features with product teams',
      'Run and improve our security programme around {t1} and {t2}',
      'Respond to security incidents and lead the follow-up',
      'Automate security checks in CI with {tech}',
      'Help engineers fix vulnerabilities instead of only reporting them',
      'Prepare us for audits without turning them into paperwork',
    ],
    requirements: [
      '{years} years of experience in security engineering',
      'Practical experience with {t1} and {t2}',
      'You can read and write code, ideally Python or Go',
      'Familiarity with {tech}',
      'You explain risk in terms the business understands',
    ],
    seniority: true,
    weight: 4,
  },
  qa: {
    titles: ['QA Engineer', 'Test Automation Engineer', 'Software Engineer in Test', 'Quality Engineer'],
    internTitle: 'QA Intern',
    teams: ['Quality', 'Release', 'Core Product', 'Mobile'],
    stacks: [
      ['Playwright', 'TypeScript', 'GitHub Actions', 'k6', 'Allure'],
      ['Cypress', 'JavaScript', 'Jenkins', 'Postman'],
      ['Selenium', 'Java', 'TestNG', 'Jenkins', 'REST Assured'],
      ['Appium', 'Kotlin', 'XCUITest', 'BrowserStack'],
      ['pytest', 'Python', 'Robot Framework', 'GitLab CI', 'Hardware-in-the-loop'],
    ],
    duties: [
      'Build and maintain automated tests with {t1} and {t2}',
      'Work with developers to build quality in from the first commit',
      'Own the release checklist for the {team} team',
      'Run load tests and find bottlenecks before our users do',
      'Make flaky tests a thing of the past with {tech}',
    ],
    requirements: [
      '{years} years of experience in test automation',
      'Good programming skills in {t2}',
      'Experience with {t1}; knowledge of {tech} is a plus',
      'A structured mind and a nose for edge cases',
    ],
    seniority: true,
    weight: 4,
  },
  embedded: {
    titles: [
      'Embedded Software Engineer',
      'Firmware Engineer',
      'Robotics Software Engineer',
      'Embedded Systems Engineer',
    ],
    internTitle: 'Embedded Software Intern',
    teams: ['Firmware', 'Motion Control', 'Perception', 'Flight Software', 'Hardware Integration'],
    stacks: [
      ['C', 'C++', 'FreeRTOS', 'ARM Cortex-M', 'CAN bus'],
      ['C++', 'ROS 2', 'Linux', 'Python', 'Gazebo'],
      ['Rust', 'Embassy', 'STM32', 'Bluetooth Low Energy'],
      ['C', 'Zephyr RTOS', 'Nordic nRF52', 'Bluetooth Low Energy'],
      ['C++', 'Yocto', 'Embedded Linux', 'Python', 'FPGA'],
    ],
    duties: [
      'Write and test firmware in {t1} and {t2} for our next hardware generation',
      'Bring up new boards with the electronics team',
      'Debug tricky timing problems with oscilloscopes and logic analysers',
      'Build hardware-in-the-loop tests for the {team} stack',
      'Work with {tech} in a safety-conscious environment',
    ],
    requirements: [
      '{years} years of experience writing embedded software',
      'Strong {t1} skills and experience with {t2}',
      'Comfort reading schematics and datasheets',
      'Experience with {tech} is a plus',
      'A degree in electrical engineering, computer science or similar',
    ],
    seniority: true,
    weight: 3,
  },
  product: {
    titles: ['Product Manager', 'Technical Product Manager', 'Product Owner', 'Growth Product Manager'],
    internTitle: 'Product Management Intern',
    teams: ['Onboarding', 'Payments', 'Growth', 'Platform', 'Mobile', 'Insights', 'Marketplace'],
    stacks: [
      ['Jira', 'Amplitude', 'SQL', 'Figma'],
      ['Linear', 'Mixpanel', 'Notion', 'Figma'],
      ['Productboard', 'Looker', 'SQL', 'Miro'],
    ],
    duties: [
      'Own the roadmap of the {team} product area',
      'Talk to customers every week and bring what you learn back to the team',
      'Write clear problem statements and define how we measure success',
      'Prioritise ruthlessly, and explain what we will not do and why',
      'Work closely with engineering and design from discovery to launch',
      'Use tools like {tech} to understand customers and share plans',
    ],
    requirements: [
      '{years} years of experience in product management',
      'A track record of shipping products people love',
      'Comfort with data: you can write basic SQL and use tools like {tech}',
      'Excellent communication skills in English',
      'Experience in {industry} is a plus',
    ],
    seniority: true,
    weight: 5,
  },
  design: {
    titles: ['Product Designer', 'UX Designer', 'UX Researcher', 'UI Designer', 'Content Designer'],
    internTitle: 'Product Design Intern',
    teams: ['Core Product', 'Design System', 'Growth', 'Mobile', 'Onboarding'],
    stacks: [
      ['Figma', 'FigJam', 'Maze', 'Design tokens'],
      ['Figma', 'Protopie', 'Dovetail', 'UserTesting'],
      ['Figma', 'Framer', 'Lottie', 'Notion'],
    ],
    duties: [
      'Design end-to-end experiences for the {team} team, from flows to final pixels',
      'Run user interviews and usability tests and share what you learn',
      'Contribute to and improve our design system',
      'Prototype ideas quickly in {t1} and test them with real users',
      'Work side by side with engineers to ship what you design',
    ],
    requirements: [
      '{years} years of experience in product or UX design',
      'A portfolio that shows your process, not only polished results',
      'Strong skills in {t1}; experience with {tech} is a plus',
      'Experience with user research methods',
      'You give and receive feedback with kindness',
    ],
    seniority: true,
    weight: 5,
  },
  management: {
    titles: [
      'Engineering Manager',
      'Senior Engineering Manager',
      'Head of Engineering',
      'Director of Engineering',
      'Head of Data',
    ],
    internTitle: 'Engineering Operations Intern',
    teams: ['Platform', 'Payments', 'Growth', 'Data', 'Mobile', 'Core Product'],
    stacks: [
      ['TypeScript', 'Node.js', 'AWS', 'Kubernetes'],
      ['Go', 'Kubernetes', 'GCP', 'PostgreSQL'],
      ['Python', 'Django', 'AWS', 'Terraform'],
      ['Java', 'Kotlin', 'Kafka', 'Kubernetes'],
      ['React', 'TypeScript', 'GraphQL', 'Next.js'],
    ],
    duties: [
      'Lead a team of 6 to 9 engineers working on {team}',
      'Hire, grow and support engineers through regular one-to-ones and honest feedback',
      'Set technical direction with your staff engineers; our stack is {t1}, {t2} and {t3}',
      'Make sure the team delivers predictably without burning out',
      'Work with product and design leadership on planning and priorities',
    ],
    requirements: [
      '{years} years of software engineering experience, including at least two as a manager',
      'A hands-on background with {t1} or a similar stack',
      'Experience hiring and growing engineers',
      'Good judgement about process: as much as needed, as little as possible',
      'Experience in {industry} is a plus',
    ],
    seniority: false,
    weight: 4,
  },
  devrel: {
    titles: ['Developer Advocate', 'Technical Writer', 'Developer Relations Engineer', 'Solutions Engineer'],
    internTitle: 'Developer Relations Intern',
    teams: ['Developer Relations', 'Documentation', 'Community', 'Solutions'],
    stacks: [
      ['TypeScript', 'Node.js', 'Markdown', 'OpenAPI'],
      ['Python', 'Jupyter', 'SQL', 'Docs as code'],
      ['Go', 'Kubernetes', 'Terraform', 'OpenAPI'],
    ],
    duties: [
      'Write tutorials, guides and sample apps in {t1} and {t2}',
      'Speak at meetups and conferences, online and in person',
      'Bring developer feedback back to the product teams',
      'Keep our API reference and guides accurate and easy to follow',
      'Help customers design their integrations',
    ],
    requirements: [
      '{years} years of experience as a developer, writer or advocate',
      'Working knowledge of {t1}',
      'Excellent written English',
      'Experience with {tech} is a plus',
      'You enjoy explaining complex things simply',
    ],
    seniority: true,
    weight: 3,
  },
};

// ---------------------------------------------------------------------------------------------
// Seniority and job types
// ---------------------------------------------------------------------------------------------

interface Seniority {
  label: string;
  years: string;
  /** Salary band in thousands of EUR for Berlin. */
  band: [number, number];
}

const seniorities: readonly (readonly [Seniority, number])[] = [
  [{ label: 'Junior', years: '1+', band: [45, 58] }, 12],
  [{ label: '', years: '2+', band: [58, 75] }, 28],
  [{ label: 'Mid-Level', years: '3+', band: [62, 78] }, 6],
  [{ label: 'Senior', years: '5+', band: [75, 98] }, 32],
  [{ label: 'Staff', years: '8+', band: [95, 125] }, 8],
  [{ label: 'Lead', years: '7+', band: [90, 115] }, 9],
  [{ label: 'Principal', years: '10+', band: [110, 140] }, 5],
];

const managerSeniority: Seniority = { label: '', years: '7+', band: [95, 135] };

const jobTypeWeights: readonly (readonly [JobType, number])[] = [
  ['Full Time', 60],
  ['Contract', 15],
  ['Part Time', 11],
  ['Internship', 9],
  ['Other', 5],
];

// ---------------------------------------------------------------------------------------------
// Shared sentence pools
// ---------------------------------------------------------------------------------------------

const intros = [
  '{company} {what}. We are {size} people from more than {nations} countries, and we are looking for {a} {role} to join the {team} team in {place}.',
  'Founded in {founded}, {company} {what}. Our {team} team is growing and we need {a} {role} to help us get to the next stage.',
  'At {company}, we believe {industry} deserves better software. That is why {company} {what}, and the {team} team is where much of that happens.',
  "We're {company}: {a} {sizeWord} company that {what}. As {a} {role}, you will work on the {team} team and report to our {lead}.",
  '{company} {what}. We are profitable, independent and growing steadily, and we are hiring {a} {role} for our {team} team.',
  'Join {company} as {a} {role}. We {whatVerb}, and our {team} team owns some of the most important parts of the product.',
];

const closers = [
  'We value kindness, ownership and clear writing.',
  'Small teams, short feedback loops and very few meetings.',
  'We ship to production several times a day.',
  'Our engineering blog and open-source projects show how we work.',
  'You will have real ownership from your first week.',
  'We hire for curiosity as much as for experience.',
  '',
  '',
];

const benefits = [
  '30 days of paid holiday',
  'a yearly learning budget of {learning}',
  'a new laptop of your choice',
  'flexible working hours',
  'up to four weeks a year working from anywhere',
  'a home-office allowance',
  'a public transport pass',
  'company pension contributions',
  'private health insurance',
  'parental leave beyond the legal minimum',
  'mental health support through a confidential counselling service',
  'virtual stock options',
  'a team offsite twice a year',
  'free lunch three times a week',
  'a bike leasing scheme',
  'a four-day week in August',
  'sabbatical options after three years',
  'relocation and visa support',
  'language classes',
];

const diversity = [
  'We welcome applications from everyone, regardless of background, age, gender, disability or religion.',
  'We are an equal opportunity employer and value diverse teams.',
  'If you meet most but not all of the requirements, please apply anyway.',
  'Tell us if you need any adjustments during the interview process.',
  '',
];

const processes = [
  'Our interview process has four steps: an intro call, a technical conversation, a short paid take-home task and a meeting with the team.',
  'You can expect a 30-minute call with our recruiter, a pairing session and a conversation with the hiring manager.',
  'We do not do whiteboard puzzles; we talk about real problems we have solved.',
  'The whole process usually takes two to three weeks.',
];

const leads = [
  'Head of Engineering',
  'VP Engineering',
  'CTO',
  'Engineering Manager',
  'Head of Product',
  'Director of Data',
];

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

function salary(seniority: Seniority, location: Location, type: JobType): string | undefined {
  const city = cities[location];
  const money = (value: number) => value.toLocaleString('en-US');
  if (type === 'Internship') {
    if (city.currency === 'JPY') return `¥${money(int(20, 30) * 10_000)} per month`;
    return `${city.symbol}${money(Math.round((int(12, 20) * 100 * city.pay) / 50) * 50)} per month`;
  }
  const [low, high] = seniority.band;
  if (type === 'Contract') {
    if (city.currency === 'JPY') {
      const yen = Math.round((((low + high) / 2) * 7 * city.pay) / 1000) * 1000;
      return `¥${money(yen)}–¥${money(yen + int(1, 4) * 5000)} per day`;
    }
    const rate = Math.round((((low + high) / 2) * 7 * city.pay) / 10) * 10;
    return `${city.symbol}${money(rate)}–${city.symbol}${money(rate + int(2, 10) * 10)} per day`;
  }
  const scale = (value: number) => Math.round((value * city.pay) / 5) * 5;
  const factor = type === 'Part Time' ? 0.6 : 1;
  if (city.currency === 'JPY') {
    return `¥${(scale(low * factor) / 1000).toFixed(1)}M–¥${(scale(high * factor) / 1000).toFixed(1)}M per year`;
  }
  return `${city.symbol}${scale(low * factor)}k–${city.symbol}${scale(high * factor)}k per year`;
}

function typeTerms(type: JobType, location: Location, family: FamilyKey): string {
  switch (type) {
    case 'Full Time':
      return pick([
        'This is a permanent, full-time position.',
        'Full-time, permanent contract.',
        'This is a full-time role (40 hours a week, flexible).',
        '',
      ]);
    case 'Part Time':
      return pick([
        `This is a part-time role of ${pick(['20', '24', '28', '30', '32'])} hours a week; you choose how to spread them.`,
        'Part-time (three or four days a week), with the same benefits as full-time colleagues.',
        germanCities.includes(location)
          ? 'Part-time working student position (up to 20 hours a week during the semester).'
          : 'Part-time, ideally 25 hours a week.',
      ]);
    case 'Contract':
      return pick([
        `This is a ${pick(['3', '6', '6', '9', '12'])}-month contract with a good chance of extension.`,
        'Freelance contract, starting as soon as possible, for at least six months.',
        'Fixed-term contract to cover a parental leave, for one year.',
        'Contract role (outside IR35 where applicable), mostly remote with occasional on-site days.',
      ]);
    case 'Internship':
      return pick([
        `A paid ${pick(['three', 'four', 'six'])}-month internship with a dedicated mentor, starting in ${pick(['January', 'February', 'March', 'April'])} 2027.`,
        'A six-month internship for students enrolled at a university; a thesis project is possible.',
        'Paid internship for recent graduates and career changers, with a clear path to a permanent role.',
      ]);
    case 'Other':
      return pick([
        family === 'devrel' || family === 'design'
          ? 'This is a freelance, project-based engagement of about two days a week.'
          : 'This is a fixed-term position of twelve months.',
        'This is a returnship for people coming back to work after a career break of two or more years.',
        'On-call consultancy role: a retainer plus hours billed as needed.',
      ]);
  }
}

function remoteTerms(location: Location, company: Company): string {
  if (location === 'Remote') {
    return pick([
      'This role is fully remote within time zones between UTC-1 and UTC+3.',
      'Fully remote. We meet in person twice a year.',
      `Remote-first, with an optional office in ${company.offices.find((o) => o !== 'Remote') ?? 'Lisbon'}.`,
      'Remote within Europe; you need to be able to work with European hours.',
    ]);
  }
  return pick([
    `Hybrid: we are in the ${location} office ${pick(['two', 'three'])} days a week.`,
    `Based in our ${location} office, with one or two days a week from home.`,
    `On-site in ${location}; we help with relocation.`,
    '',
  ]);
}

function makeTitle(
  family: Family,
  familyKey: FamilyKey,
  seniority: Seniority,
  type: JobType,
  stack: string[],
  location: Location,
): string {
  if (type === 'Internship')
    return chance(0.5) ? family.internTitle : `${family.internTitle.replace(/ Intern$/, '')} Internship`;
  if (type === 'Part Time' && germanCities.includes(location) && familyKey !== 'management' && chance(0.5)) {
    return `Working Student – ${family.internTitle.replace(/ Intern$/, '')}`;
  }
  let base = pick(family.titlesFor?.(stack) ?? family.titles);
  if (family.seniority && seniority.label && !(seniority.label === 'Junior' && /^Head|Director|Principal/.test(base))) {
    base = `${seniority.label} ${base}`;
  }
  const tag = family.titleTag?.(stack);
  if (tag && !base.includes(tag) && chance(0.45)) base += ` (${tag})`;
  if (type === 'Contract' && chance(0.35)) base += pick([' – Contract', ' (Freelance)', ' – 6 months']);
  return base;
}

function makeDescription(ctx: {
  company: Company;
  family: Family;
  familyKey: FamilyKey;
  seniority: Seniority;
  type: JobType;
  title: string;
  team: string;
  stack: string[];
  location: Location;
}): string {
  const { company, family, seniority, type, title, team, stack, location } = ctx;
  // The title as a person: "Machine Learning Internship" -> "Machine Learning Intern".
  const role = title
    .replace(/ Internship$/, ' Intern')
    .replace(/ – (Contract|6 months)$| \(Freelance\)$/, '')
    .replace(/^Working Student – (.*)$/, 'working student in $1');
  const [t1 = '', t2 = t1, ...others] = stack;
  const rest = others.length > 0 ? others : [t2];
  const t3 = rest[0] ?? t2;
  const extra = sample(rest, Math.min(rest.length, int(1, 3)));
  const vars = (): Record<string, string> => ({
    company: escapeHtml(company.name),
    industry: company.industry,
    what: company.what,
    whatVerb: plural(company.what),
    size: String(company.size),
    sizeWord: company.size < 80 ? 'small' : company.size < 300 ? 'mid-sized' : 'fast-growing',
    nations: String(Math.max(3, Math.min(60, Math.round(company.size / 8)))),
    founded: String(company.founded),
    role: escapeHtml(role),
    a: article(role),
    team,
    place: location === 'Remote' ? 'a fully remote setup' : location,
    lead: pick(leads),
    t1: escapeHtml(t1),
    t2: escapeHtml(t2),
    t3: escapeHtml(t3),
    tech: escapeHtml(listOf(extra)),
    years: seniority.years,
    product: company.industry,
    learning:
      cities[location].currency === 'EUR'
        ? '€1,500'
        : cities[location].currency === 'GBP'
          ? '£1,200'
          : cities[location].currency === 'USD'
            ? '$2,000'
            : 'the equivalent of €1,500',
  });
  const v = vars();

  const intro = `${fill(pick(intros), v)} ${pick(closers)}`.trim();
  const duties = sample(family.duties, int(3, 5)).map((d) => fill(d, v));
  const reqPool =
    type === 'Internship' ? family.requirements.filter((r) => !r.includes('{years}')) : family.requirements;
  const reqs = sample(reqPool, int(3, 5)).map((r) => fill(r, v));
  if (type === 'Internship') {
    reqs.unshift(
      pick([
        'You are studying computer science, a related subject, or teaching yourself through projects',
        'You have built a few projects of your own and can show us the code',
        'You are in the last year of your degree or recently graduated',
      ]),
    );
    reqs.splice(4);
  }
  const perks = sample(benefits, int(3, 6)).map((b) => fill(b, v));
  const pay = chance(0.55) ? salary(seniority, location, type) : undefined;
  const payTerms = !pay
    ? ''
    : type === 'Internship'
      ? `Stipend: ${pay}.`
      : type === 'Contract'
        ? `Rate: ${pay}, depending on experience.`
        : `Salary: ${pay}, depending on experience.`;
  const terms = [typeTerms(type, location, ctx.familyKey), remoteTerms(location, company), payTerms]
    .filter(Boolean)
    .join(' ');
  const perksSentence = `We offer ${listOf(perks)}.`;
  const outro = [perksSentence, terms, pick(diversity)].filter(Boolean).join(' ');

  const dutiesHeading = pick([
    "What you'll do",
    'Your responsibilities',
    'What you will work on',
    'Your tasks',
    'The role',
  ]);
  const reqsHeading = pick([
    'What you bring',
    'About you',
    'Requirements',
    "What we're looking for",
    'You will thrive here if you have',
  ]);
  const perksHeading = pick(['What we offer', 'Benefits', 'Why join us', 'Perks']);

  switch (int(1, 5)) {
    case 1: // intro, duties, requirements, benefits (4 blocks)
    case 2:
      return [
        `<p>${intro}</p>`,
        `<p><strong>${dutiesHeading}</strong></p>`,
        ul(duties),
        `<p><strong>${reqsHeading}</strong></p>`,
        ul(reqs),
        `<p>${outro}</p>`,
      ].join('\n');
    case 3: // intro with duties in prose, requirements list, benefits (3 blocks)
      return [
        `<p>${intro}</p>`,
        `<p>In this role you will ${duties
          .slice(0, 3)
          .map((d) => d.charAt(0).toLowerCase() + d.slice(1))
          .join('; ')}.</p>`,
        `<h3>${reqsHeading}</h3>`,
        ul(reqs),
        `<p>${terms} ${pick(processes)}</p>`.replace('<p> ', '<p>'),
      ].join('\n');
    case 4: // intro, requirements, benefits as a list (3 blocks)
      return [
        `<p>${intro} ${pick(processes)}</p>`,
        `<h3>${dutiesHeading}</h3>`,
        ul(duties),
        `<h3>${perksHeading}</h3>`,
        ul(perks.map((p) => p.charAt(0).toUpperCase() + p.slice(1))),
        terms ? `<p>${terms}</p>` : '',
      ]
        .filter(Boolean)
        .join('\n');
    default: // two compact paragraphs
      return [
        `<p>${intro} You will ${duties
          .slice(0, 2)
          .map((d) => d.charAt(0).toLowerCase() + d.slice(1))
          .join(' and ')}.</p>`,
        `<p>${reqs
          .slice(0, 3)
          .map((r) => `${r}.`)
          .join(' ')} ${outro}</p>`,
      ].join('\n');
  }
}

function makeHowToApply(company: Company, jobUrl: string, slug: string, ref: string): string {
  const careers = company.hasWebsite ? `${websiteOf(company)}/careers/${slug}` : jobUrl;
  const mail = `${pick(['jobs', 'careers', 'talent', 'hiring'])}@${domainOf(company)}`;
  switch (int(1, 5)) {
    case 1:
      return `<p>Apply at <a href="${careers}">${careers}</a></p>`;
    case 2:
      return `<p>Please send your CV and a few lines about why this role interests you to <a href="mailto:${mail}">${mail}</a>, quoting reference ${ref}.</p>`;
    case 3:
      return `<p>Apply through our <a href="${careers}">careers page</a>. We reply to every application within ${pick(['one week', 'ten days', 'two weeks'])}.</p>`;
    case 4:
      return `<p><a href="${careers}">Apply here</a>. Questions? Write to <a href="mailto:${mail}">${mail}</a>.</p>`;
    default:
      return `<p>To apply, fill in the short form at <a href="${careers}">${careers}</a>. No cover letter needed.</p>`;
  }
}

function pickFamily(company: Company): FamilyKey {
  const entries = (Object.keys(families) as FamilyKey[]).map((key) => {
    const base = families[key].weight;
    const boost = company.focus.includes(key) ? 3 : 1;
    // Firmware and developer relations only exist where the product calls for them.
    const fit = (key === 'embedded' || key === 'devrel') && !company.focus.includes(key) ? 0 : 1;
    return [key, base * boost * fit] as const;
  });
  return weighted(entries);
}

function pickLocation(company: Company): Location {
  const offices = company.offices.filter((o) => o !== 'Remote');
  if (chance(company.remote * 0.6) || offices.length === 0) return 'Remote';
  // The first office is the headquarters and gets most of the jobs.
  return weighted(offices.map((office, i) => [office, i === 0 ? 3 : 1.5] as const));
}

function generate(): Job[] {
  const jobs: Job[] = [];
  const companyWeights = companies.map((c) => [c, c.weight] as const);
  const seenUrls = new Set<string>();

  for (let i = 0; i < JOB_COUNT; i++) {
    // Every company posts at least three jobs; the rest follow the companies' weights.
    const company = i < companies.length * 3 ? (companies[i % companies.length] as Company) : weighted(companyWeights);
    const familyKey = pickFamily(company);
    const family = families[familyKey];
    let type = weighted(jobTypeWeights);
    if (familyKey === 'management' && (type === 'Internship' || type === 'Part Time')) type = 'Full Time';
    const internSeniority: Seniority = { label: '', years: '0', band: [0, 0] };
    let seniority: Seniority =
      familyKey === 'management' ? managerSeniority : type === 'Internship' ? internSeniority : weighted(seniorities);
    // Contracts are for people who can hit the ground running.
    if (type === 'Contract' && seniority.label === 'Junior') seniority = { label: '', years: '3+', band: [62, 78] };
    const location = pickLocation(company);
    const stack = pick(family.stacks);
    const title = makeTitle(family, familyKey, seniority, type, stack, location);
    const team = pick(family.teams);

    const id = uuid();
    const slug = `${company.slug}-${slugify(title)}`;
    let url = `https://jobs.example.com/${slug}-${id.slice(0, 8)}`;
    while (seenUrls.has(url)) url += '-x';
    seenUrls.add(url);

    const createdAt = new Date(FIRST_DAY + Math.floor(random() * (LAST_DAY - FIRST_DAY)));
    createdAt.setUTCMilliseconds(0);
    const ref = `${company.slug.slice(0, 3).toUpperCase()}-${2026}-${String(int(100, 999))}`;

    jobs.push({
      id,
      type,
      url,
      created_at: createdAt.toISOString().replace('.000Z', 'Z'),
      company: company.name,
      company_url: company.hasWebsite ? websiteOf(company) : null,
      location,
      title,
      description: makeDescription({ company, family, familyKey, seniority, type, title, team, stack, location }),
      how_to_apply: makeHowToApply(company, url, slugify(title), ref),
      company_logo: company.hasLogo ? `https://logos.example.com/${company.slug}.png` : null,
    });
  }

  // Newest first, as GitHub Jobs listed them.
  return jobs.sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
}

const jobs = generate();
mkdirSync(dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, `${JSON.stringify(jobs, null, 2)}\n`);

const count = (predicate: (job: Job) => boolean) => jobs.filter(predicate).length;
const byType = Object.fromEntries(
  ['Full Time', 'Part Time', 'Contract', 'Internship', 'Other'].map((t) => [t, count((j) => j.type === t)]),
);
console.log(
  `wrote ${jobs.length} jobs to ${OUTPUT}\n` +
    `  locations: ${new Set(jobs.map((j) => j.location)).size}, companies: ${new Set(jobs.map((j) => j.company)).size}\n` +
    `  types: ${JSON.stringify(byType)}\n` +
    `  Berlin: ${count((j) => j.location === 'Berlin')} (full time: ${count((j) => j.location === 'Berlin' && j.type === 'Full Time')})`,
);
