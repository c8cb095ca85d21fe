/**
 * Where the e2e stack runs, and the password of its three users (admin, operator, viewer). The ports can be
 * moved with ORGANISM_E2E_ENGINE_PORT and ORGANISM_E2E_CONSOLE_PORT, so that two checkouts can run their
 * specs side by side on one machine.
 */
const enginePort = Number(process.env.ORGANISM_E2E_ENGINE_PORT ?? 7171);
const consolePort = Number(process.env.ORGANISM_E2E_CONSOLE_PORT ?? 3171);

export const E2E = {
  enginePort,
  engineUrl: `http://127.0.0.1:${enginePort}`,
  consolePort,
  consoleUrl: `http://127.0.0.1:${consolePort}`,
  password: 'e2e-password-1234',
};
