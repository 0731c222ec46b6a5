import type { Core } from '@strapi/strapi';
import { errors, yup } from '@strapi/utils';

import { getService } from '../services/get-service';
import type { PreviewAction } from '../services/manual';
import { validate } from './validate';

const ACTIONS: PreviewAction[] = ['publish', 'update', 'unpublish', 'delete'];
const CM_READ = 'plugin::content-manager.explorer.read';

const bodySchema = yup
  .object({
    uid: yup.string().required(),
    documentId: yup.string().required(),
    locale: yup.string().min(1),
    action: yup.string().oneOf(ACTIONS).default('publish'),
  })
  .noUnknown();

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /revalidation/preview: what a change of this entry would revalidate, per target, and why. */
  async preview(ctx: any) {
    const body = await validate<{ uid: string; documentId: string; locale?: string; action: PreviewAction }>(
      bodySchema,
      ctx.request.body
    );
    if (!strapi.contentType(body.uid as any)) {
      throw new errors.ValidationError(`uid: no content type "${body.uid}"`, { field: 'uid' });
    }
    // A preview shows the entry's and its dependents' slugs: only for who may read the type.
    // (A PolicyError: Strapi replaces any other ForbiddenError's message with "Forbidden".)
    if (!ctx.state.userAbility?.can(CM_READ, body.uid)) {
      throw new errors.PolicyError(`you may not read ${body.uid} in the Content Manager`);
    }
    if (!getService(strapi, 'settings').isTracked(body.uid)) {
      throw new errors.ValidationError(`uid: ${body.uid} has no rule and no page shows it`, { field: 'uid' });
    }
    const result = await getService(strapi, 'manual').preview(body.uid, body.documentId, body.locale, body.action);
    if (!result.exists) throw new errors.NotFoundError(`no entry ${body.documentId} of ${body.uid}`);
    ctx.body = { data: { uid: body.uid, documentId: body.documentId, action: body.action, targets: result.targets } };
  },
});
