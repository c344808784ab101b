/**
 * Genesys Cloud region domains. Each region serves the Platform API on `https://api.<domain>`
 * and OAuth on `https://login.<domain>`.
 *
 * Source: `PureCloudRegionHosts.js` in the official JS SDK (purecloud-platform-client-v2 259.0.0),
 * https://github.com/MyPureCloud/platform-client-sdk-javascript — keys are the SDK's AWS-region names.
 */
export const KNOWN_REGIONS = {
  us_east_1: 'mypurecloud.com',
  us_east_2: 'use2.us-gov-pure.cloud',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  eu_west_1: 'mypurecloud.ie',
  eu_west_2: 'euw2.pure.cloud',
  eu_central_1: 'mypurecloud.de',
  eu_central_2: 'euc2.pure.cloud',
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  ap_northeast_2: 'apne2.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
} as const satisfies Record<string, string>;

type RegionKey = keyof typeof KNOWN_REGIONS;
export type RegionDomain = (typeof KNOWN_REGIONS)[RegionKey];

export interface HostOptions {
  /** A region domain (`mypurecloud.de`) or SDK key (`eu_central_1`); case-insensitive. */
  readonly region?: string | undefined;
  /** Overrides the API host derived from `region` (e.g. a simulator URL). */
  readonly apiUrl?: string | undefined;
  /** Overrides the login host derived from `region`. */
  readonly loginUrl?: string | undefined;
}

export interface Hosts {
  readonly apiUrl: string;
  readonly loginUrl: string;
}

const DOMAINS: ReadonlySet<string> = new Set(Object.values(KNOWN_REGIONS));

/** Maps a region key or domain to its domain; `undefined` when unknown. */
export function regionDomain(region: string): RegionDomain | undefined {
  const wanted = region.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^(api|login)\./, '').replace(/\/+$/, '');
  if (DOMAINS.has(wanted)) return wanted as RegionDomain;
  const key = wanted.replaceAll('-', '_');
  return Object.hasOwn(KNOWN_REGIONS, key) ? KNOWN_REGIONS[key as RegionKey] : undefined;
}

/**
 * Resolves the API and login base URLs. Explicit URLs win over the region (so a simulator or
 * proxy can be targeted); both must end up defined. Trailing slashes are trimmed so paths can
 * be appended as `${apiUrl}/api/v2/...`.
 */
export function resolveHosts(options: HostOptions): Hosts {
  let domain: RegionDomain | undefined;
  if (options.region !== undefined && options.region.trim() !== '') {
    domain = regionDomain(options.region);
    if (domain === undefined) {
      const known = Object.entries(KNOWN_REGIONS).map(([key, d]) => `${d} (${key})`);
      throw new Error(`Unknown Genesys Cloud region "${options.region}"; known regions: ${known.join(', ')}`);
    }
  }
  const apiUrl = nonEmpty(options.apiUrl) ?? (domain && `https://api.${domain}`);
  const loginUrl = nonEmpty(options.loginUrl) ?? (domain && `https://login.${domain}`);
  if (apiUrl === undefined || loginUrl === undefined) {
    throw new Error('Genesys Cloud hosts are not configured: set a region, or both an API URL and a login URL');
  }
  return { apiUrl: checkedUrl(apiUrl), loginUrl: checkedUrl(loginUrl) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function checkedUrl(url: string): string {
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new Error(`Invalid Genesys Cloud URL "${url}": expected an absolute http(s) URL`);
  }
  return url.replace(/\/+$/, '');
}
