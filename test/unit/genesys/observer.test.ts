import { describe, expect, it } from 'vitest';
import { DETAILS_QUERY_PATH, routeTemplate, statusClassOf } from '../../../src/genesys/index.ts';

describe('routeTemplate (the endpoint label of request metrics)', () => {
  it('drops the query string and keeps fixed routes as they are', () => {
    expect(routeTemplate('/api/v2/users?pageSize=100&pageNumber=3&state=any')).toBe('/api/v2/users');
    expect(routeTemplate(DETAILS_QUERY_PATH)).toBe('/api/v2/analytics/conversations/details/query');
    expect(routeTemplate('/oauth/token')).toBe('/oauth/token');
  });

  it('replaces ids in the path by {id}', () => {
    expect(routeTemplate('/api/v2/analytics/conversations/details/jobs/0c5e6a3e-2f4b-4c1d-9e8f-7a6b5c4d3e2f/results?cursor=abc'))
      .toBe('/api/v2/analytics/conversations/details/jobs/{id}/results');
    expect(routeTemplate('/api/v2/users/1234')).toBe('/api/v2/users/{id}');
  });
});

describe('statusClassOf', () => {
  it('maps a status to its class', () => {
    expect([200, 204, 301, 401, 429, 500, 503].map(statusClassOf)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx']);
  });
});
