/**
 * Next.js (App Router or Pages Router): the same request as the generic webhook, sent to a route
 * handler in the Next.js app that verifies it with `verifyWebhook` and calls `revalidatePath` /
 * `revalidateTag` (README, "Next.js"). A separate preset so configs say what they talk to.
 */
import type { Preset } from './types';
import { webhookPreset } from './webhook';

export const nextjsPreset: Preset = { ...webhookPreset, name: 'nextjs' };
