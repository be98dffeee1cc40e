import { z } from 'zod';
import { listenAddress, type HttpConfig } from '../http/cli.js';
import { section, stringList, text } from './schema-kit.js';

/**
 * The run config's `http:` section: where the dashboard and `/metrics` listen (`listen: HOST:PORT`,
 * port 0 for a free one), further `Host` names to accept behind a reverse proxy (`allowedHosts`),
 * and a fixed token instead of a random one per run (`token`, at least 16 characters).
 */
export const httpSchema = section({
  listen: text,
  allowedHosts: stringList.optional(),
  token: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
}).transform((h, ctx): HttpConfig => {
  const address = listenAddress(h.listen);
  if (address === undefined) {
    ctx.issues.push({ code: 'custom', message: 'expected HOST:PORT such as 127.0.0.1:9464 (port 0 for a free one)', path: ['listen'], input: h.listen });
    return z.NEVER;
  }
  return { ...address, ...(h.allowedHosts === undefined ? {} : { allowedHosts: h.allowedHosts }), ...(h.token === undefined ? {} : { token: h.token }) };
});
