import { z } from 'zod';

/**
 * Zod schemas registered here with an id appear by name under components.schemas of the OpenAPI document.
 * It is zod's global registry because that is where `.describe()` keeps descriptions.
 */
export const openapiSchemas = z.globalRegistry;

/** RFC 9457 problem details as the error handler writes them (extra members such as `fields` are allowed). */
export const problemSchema = z
  .looseObject({
    type: z.string().describe('urn:internkontroll:error:<CODE>'),
    title: z.string(),
    status: z.int(),
    detail: z.string().describe('What went wrong and what to do'),
    code: z.string().describe('Stable error code, e.g. VALIDATION_FAILED'),
    fields: z
      .array(z.object({ path: z.string().describe('The parameter or field'), message: z.string() }))
      .optional()
      .describe('For VALIDATION_FAILED: each offending parameter and why'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
