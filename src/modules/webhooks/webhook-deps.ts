import { isProduction, listOf, type Config } from '../../config.js';
import { createDestinationCheck, type DestinationCheck } from './destination.js';
import { resolveSecretBox, type SecretBox } from './secret-box.js';

/** What registering and delivering webhooks needs from the configuration: where they may go, how secrets are kept. */
export interface WebhookDeps {
  destination: DestinationCheck;
  secrets: SecretBox;
}

export function webhookDeps(config: Config): WebhookDeps {
  return {
    destination: createDestinationCheck({
      allowHttp: config.WEBHOOK_ALLOW_HTTP ?? !isProduction(config),
      allowCidrs: listOf(config.WEBHOOK_ALLOW_CIDRS),
    }),
    secrets: resolveSecretBox(config),
  };
}
