/**
 * The OpenAPI 3.1 description of Klaxon's Alertmanager-compatible API v2, served at /api/v2/openapi.json.
 * It documents the wire contract (SEMANTICS §7.1) plus Klaxon's optional authentication.
 */
import type { FastifyInstance } from 'fastify';

const dateTime = { type: 'string', format: 'date-time', description: 'RFC 3339, UTC, exactly three fractional digits' };
const labelSet = { type: 'object', additionalProperties: { type: 'string' } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorString = { description: 'Error message', content: { 'application/json': { schema: { type: 'string' } } } };
const swaggerError = {
  description: 'Body or parameter does not fit the schema (go-swagger `{code, message}`)',
  content: { 'application/json': { schema: ref('SchemaError') } },
};
const json = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const filterParam = {
  name: 'filter',
  in: 'query',
  description: 'Matcher such as `alertname="Disk"`; repeatable. On silences: the silence must have this exact matcher.',
  schema: { type: 'array', items: { type: 'string' } },
  style: 'form',
  explode: true,
};
const boolParam = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'boolean', default: true },
});
const silenceId = { name: 'silenceID', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const secured = (scope: string) => ({ security: [{ bearer: [scope] }, { basic: [] }, {}] });

const schemas = {
  Matcher: {
    type: 'object',
    required: ['name', 'value', 'isRegex'],
    properties: {
      name: { type: 'string' },
      value: { type: 'string' },
      isRegex: { type: 'boolean' },
      isEqual: { type: 'boolean', default: true },
    },
  },
  PostableSilence: {
    type: 'object',
    required: ['matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'],
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Set to update; the reply may carry a new id (SEMANTICS §6)' },
      matchers: { type: 'array', minItems: 1, items: ref('Matcher') },
      startsAt: dateTime,
      endsAt: dateTime,
      createdBy: { type: 'string', description: 'May be omitted when authenticated: the identity is recorded' },
      comment: { type: 'string' },
      annotations: labelSet,
    },
  },
  GettableSilence: {
    type: 'object',
    required: ['id', 'status', 'updatedAt', 'matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      status: {
        type: 'object',
        properties: { state: { type: 'string', enum: ['active', 'pending', 'expired'] } },
      },
      updatedAt: dateTime,
      matchers: { type: 'array', items: ref('Matcher') },
      startsAt: dateTime,
      endsAt: dateTime,
      createdBy: { type: 'string' },
      comment: { type: 'string' },
      annotations: { ...labelSet, description: 'Present only when set' },
    },
  },
  PostableAlert: {
    type: 'object',
    required: ['labels'],
    properties: {
      labels: labelSet,
      annotations: labelSet,
      startsAt: dateTime,
      endsAt: dateTime,
      generatorURL: { type: 'string', format: 'uri' },
    },
  },
  GettableAlert: {
    type: 'object',
    properties: {
      labels: labelSet,
      annotations: labelSet,
      startsAt: dateTime,
      updatedAt: dateTime,
      endsAt: dateTime,
      generatorURL: { type: 'string' },
      fingerprint: { type: 'string' },
      receivers: { type: 'array', items: ref('Receiver') },
      status: {
        type: 'object',
        properties: {
          state: { type: 'string', enum: ['active', 'suppressed', 'unprocessed'] },
          silencedBy: { type: 'array', items: { type: 'string' } },
          inhibitedBy: { type: 'array', items: { type: 'string' } },
          mutedBy: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  AlertGroup: {
    type: 'object',
    properties: {
      labels: labelSet,
      receiver: ref('Receiver'),
      alerts: { type: 'array', items: ref('GettableAlert') },
    },
  },
  Receiver: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  Status: {
    type: 'object',
    properties: {
      cluster: {
        type: 'object',
        properties: { status: { type: 'string', enum: ['ready', 'settling', 'disabled'] }, peers: { type: 'array' } },
      },
      versionInfo: {
        type: 'object',
        properties: Object.fromEntries(
          ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion'].map((k) => [k, { type: 'string' }]),
        ),
      },
      config: {
        type: 'object',
        properties: { original: { type: 'string', description: 'alertmanager.yml with secrets shown as <secret>' } },
      },
      uptime: { ...dateTime, description: 'When the instance started' },
    },
  },
  SchemaError: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' } } },
};

export function openapiDocument(version: string): Record<string, unknown> {
  const alertFilters = [
    boolParam('active', 'Include active alerts'),
    boolParam('silenced', 'Include silenced alerts'),
    boolParam('inhibited', 'Include inhibited alerts'),
    filterParam,
    { name: 'receiver', in: 'query', description: 'Anchored regex on receiver names', schema: { type: 'string' } },
  ];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Klaxon (Alertmanager API v2 compatible)',
      version,
      description:
        'Alertmanager API v2 as served by Klaxon. Errors of the handlers are JSON strings; bodies that do not fit the ' +
        'schema get go-swagger `{code, message}` answers, as Alertmanager 0.25 gives them.',
    },
    servers: [{ url: '/api/v2' }],
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token from klaxon.yml `api_tokens`, with scopes' },
        basic: { type: 'http', scheme: 'basic' },
      },
    },
    paths: {
      '/status': { get: { ...secured('read'), responses: { 200: json(ref('Status')) } } },
      '/receivers': {
        get: {
          ...secured('read'),
          parameters: [{ ...filterParam, name: 'receiver_matchers', description: 'Matchers on receiver labels' }],
          responses: { 200: json({ type: 'array', items: ref('Receiver') }), 400: errorString },
        },
      },
      '/alerts': {
        get: {
          ...secured('read'),
          parameters: [...alertFilters, boolParam('unprocessed', 'Ignored')],
          responses: { 200: json({ type: 'array', items: ref('GettableAlert') }), 400: errorString },
        },
        post: {
          ...secured('alerts:write'),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'array', items: ref('PostableAlert') } } },
          },
          responses: { 200: { description: 'Stored (empty body)' }, 400: errorString, 422: swaggerError },
        },
      },
      '/alerts/groups': {
        get: {
          ...secured('read'),
          parameters: [...alertFilters, boolParam('muted', 'Include time-muted alerts')],
          responses: { 200: json({ type: 'array', items: ref('AlertGroup') }), 400: errorString },
        },
      },
      '/silences': {
        get: {
          ...secured('read'),
          parameters: [
            filterParam,
            boolParam('active', 'Include active silences'),
            boolParam('pending', 'Include pending silences'),
            boolParam('expired', 'Include expired silences'),
          ],
          responses: { 200: json({ type: 'array', items: ref('GettableSilence') }), 400: errorString },
        },
        post: {
          ...secured('silences:write'),
          requestBody: { required: true, content: { 'application/json': { schema: ref('PostableSilence') } } },
          responses: {
            200: json({ type: 'object', properties: { silenceID: { type: 'string', format: 'uuid' } } }),
            400: errorString,
            404: errorString,
            422: swaggerError,
          },
        },
      },
      '/silence/{silenceID}': {
        get: {
          ...secured('read'),
          parameters: [silenceId],
          responses: { 200: json(ref('GettableSilence')), 404: { description: 'Unknown id' }, 422: swaggerError },
        },
        delete: {
          ...secured('silences:write'),
          parameters: [silenceId],
          responses: {
            200: { description: 'Expired (or already expired)' },
            422: swaggerError,
            500: { ...errorString, description: '"silence not found" for an unknown id, as Alertmanager 0.25' },
          },
        },
      },
    },
  };
}

/** GET /api/v2/openapi.json. */
export function openapiRoutes(app: FastifyInstance, opts: { version: string }): void {
  const doc = openapiDocument(opts.version);
  app.get('/api/v2/openapi.json', async () => doc);
}
