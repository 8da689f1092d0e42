import { isProduction, listOf, type Config } from '../../config.js';
import { createDestinationCheck, type DestinationCheck } from './destination.js';
import { noSecretKeys, resolveSecretBox, type SecretBox } from './secret-box.js';

/** What registering and delivering webhooks needs from the configuration: where they may go, how secrets are kept. */
export interface WebhookDeps {
  destination: DestinationCheck;
  secrets: SecretBox;
}

// Tools without a configuration of webhooks (CLIs) get the strictest destinations and no secret keys.
export const noWebhooks: WebhookDeps = { destination: createDestinationCheck({ allowHttp: false, allowCidrs: [] }), secrets: noSecretKeys };

const built = new WeakMap<Config, WebhookDeps>();

/** Built once per configuration: the service and the delivery loop share one key holder. */
export function webhookDeps(config: Config): WebhookDeps {
  let deps = built.get(config);
  if (!deps) built.set(config, (deps = buildWebhookDeps(config)));
  return deps;
}

function buildWebhookDeps(config: Config): WebhookDeps {
  return {
    destination: createDestinationCheck({
      allowHttp: config.WEBHOOK_ALLOW_HTTP ?? !isProduction(config),
      allowCidrs: listOf(config.WEBHOOK_ALLOW_CIDRS),
    }),
    secrets: resolveSecretBox(config),
  };
}
