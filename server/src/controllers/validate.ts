import { errors, type yup } from '@strapi/utils';

/**
 * Validates a request body or query at the edge: the typed value, or a 400 ValidationError whose
 * message and `details.field` name the field at fault. Unknown keys are refused, not dropped.
 */
export async function validate<T>(schema: yup.AnySchema, value: unknown): Promise<T> {
  try {
    return (await schema.validate(value ?? {}, { strict: false, abortEarly: true, stripUnknown: false })) as T;
  } catch (error) {
    const e = error as { path?: string; message: string };
    throw new errors.ValidationError(e.message, { field: e.path });
  }
}
