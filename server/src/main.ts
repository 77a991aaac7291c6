import 'reflect-metadata';
import { createServerApp, bootLogger } from './app.factory.js';
import { AppConfig, ConfigError } from './config/app-config.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await createServerApp({ config });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  config.setListeningPort(port);
  bootLogger.log(`Baton node ${config.nodeId} listening on http://${config.host}:${port} (API /api/v1, docs /api/docs)`);
  // Machine-readable line for tests and scripts that start the server on port 0.
  if (process.env.BATON_PRINT_PORT === '1') console.log(`BATON_LISTENING port=${port}`);
}

main().catch((error: unknown) => {
  bootLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
