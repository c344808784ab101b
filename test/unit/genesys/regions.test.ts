import { describe, expect, it } from 'vitest';
import { KNOWN_REGIONS, resolveHosts } from '../../../src/genesys/regions.ts';

describe('resolveHosts', () => {
  it('maps a region domain to its api and login hosts', () => {
    expect(resolveHosts({ region: 'mypurecloud.de' })).toEqual({
      apiUrl: 'https://api.mypurecloud.de',
      loginUrl: 'https://login.mypurecloud.de',
    });
  });

  it('accepts the SDK region keys, in any case and with dashes', () => {
    expect(resolveHosts({ region: 'eu_central_1' }).apiUrl).toBe('https://api.mypurecloud.de');
    expect(resolveHosts({ region: 'AP-SOUTHEAST-2' }).loginUrl).toBe('https://login.mypurecloud.com.au');
  });

  it('accepts a host name pasted with its scheme or api. prefix', () => {
    expect(resolveHosts({ region: 'https://api.usw2.pure.cloud/' }).apiUrl).toBe('https://api.usw2.pure.cloud');
  });

  it('knows every region of the SDK host table', () => {
    expect(Object.keys(KNOWN_REGIONS)).toHaveLength(18);
    for (const domain of Object.values(KNOWN_REGIONS)) {
      expect(resolveHosts({ region: domain })).toEqual({ apiUrl: `https://api.${domain}`, loginUrl: `https://login.${domain}` });
    }
  });

  it('lets explicit URLs override the region and trims trailing slashes', () => {
    expect(resolveHosts({ region: 'mypurecloud.com', apiUrl: 'http://127.0.0.1:8080//', loginUrl: 'http://127.0.0.1:8080/' })).toEqual({
      apiUrl: 'http://127.0.0.1:8080',
      loginUrl: 'http://127.0.0.1:8080',
    });
    expect(resolveHosts({ region: 'mypurecloud.ie', apiUrl: 'http://localhost:1/' })).toEqual({
      apiUrl: 'http://localhost:1',
      loginUrl: 'https://login.mypurecloud.ie',
    });
  });

  it('rejects an unknown region with the list of known ones', () => {
    expect(() => resolveHosts({ region: 'mypurecloud.fr' })).toThrow(/Unknown Genesys Cloud region "mypurecloud.fr".*mypurecloud\.de \(eu_central_1\)/);
  });

  it('rejects a configuration with neither region nor both URLs', () => {
    expect(() => resolveHosts({})).toThrow(/set a region/);
    expect(() => resolveHosts({ apiUrl: 'http://localhost:1' })).toThrow(/set a region/);
  });

  it('rejects a URL that is not absolute http(s)', () => {
    expect(() => resolveHosts({ apiUrl: 'api.mypurecloud.de', loginUrl: 'https://login.mypurecloud.de' })).toThrow(/Invalid Genesys Cloud URL/);
  });
});
