/**
 * Requests made from a route's own documented schemas (the OpenAPI document's JSON Schema),
 * valid and broken: missing fields, nulls, wrong types, huge and unicode strings, deep
 * nesting, extra fields. For the schema-driven fuzz tests of the API, the desk and the public
 * subscription routes.
 */
import fc from 'fast-check';
import { z } from 'zod';

export type JsonSchema = Record<string, any>;
type Components = Record<string, JsonSchema>;

/** The schema with every `$ref` to `#/components/schemas/…` replaced by what it names. */
export function inline(schema: JsonSchema, components: Components): JsonSchema {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components)) as unknown as JsonSchema;
  if (!schema || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') return inline(components[schema.$ref.split('/').at(-1)!]!, components);
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, typeof value === 'object' ? inline(value, components) : value]));
}

/** A zod validator for a documented response schema. */
export const validatorFor = (schema: JsonSchema): z.ZodType => z.fromJSONSchema(schema as never);

const isoDate = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const text = (max: number) =>
  fc.oneof(fc.string({ minLength: 1, maxLength: Math.min(max, 40) }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, 20) }));

/** Values the schema accepts (as far as generation can tell; a rejected one must still get a clean 400). */
export function valid(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((s: JsonSchema) => valid(s)));
  if (schema.allOf) return valid(schema.allOf[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') return isoDate;
      if (schema.format === 'uri') return fc.webUrl({ validSchemes: ['https'] });
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.pattern && /slug|a-z0-9/.test(schema.pattern)) return fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
      return text(schema.maxLength ?? 200);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(schema.items ?? {}), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      const properties: Record<string, JsonSchema> = schema.properties ?? {};
      const required = new Set<string>(schema.required ?? []);
      return fc.record(Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, valid(s)])), {
        requiredKeys: [...required].filter((k) => k in properties) as never[],
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const hostile = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.constant('x'.repeat(70_000)),
  fc.constant('{{manageUrl}} {{title}} [ … ] <script>alert(1)</script>'),
  fc.constant('\u0000\u202e\ud83d\ude00\ufeff'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.constant(nested(500)),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** A body for `schema`: valid, valid with one field broken, missing, doubled or extra, or anything at all. */
export function body(schema: JsonSchema): fc.Arbitrary<unknown> {
  const fields = Object.keys(schema.properties ?? {});
  const mutated =
    fields.length === 0
      ? hostile
      : fc.tuple(valid(schema), fc.constantFrom(...fields), hostile, fc.constantFrom('replace', 'remove', 'extra')).map(([value, field, bad, how]) => {
          const copy = { ...(value as Record<string, unknown>) };
          if (how === 'replace') copy[field] = bad;
          else if (how === 'remove') delete copy[field];
          else copy[`${field}_extra`] = bad;
          return copy;
        });
  return fc.oneof(
    { arbitrary: valid(schema), weight: 3 },
    { arbitrary: mutated, weight: 4 },
    { arbitrary: hostile, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  );
}

/** A path or form parameter: usually one that exists, sometimes anything (percent-encoded as a client would). */
export const param = (existing: string[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...existing), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent), weight: 1 },
    { arbitrary: fc.constantFrom('0', '-1', '9007199254740993', 'INC-0', 'inc-1', 'MNT-99999999999999999', '%2e%2e', 'a%00b'), weight: 1 },
  );
