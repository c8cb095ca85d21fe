/** Where the e2e stack runs, and the password of its three users (admin, operator, viewer). */
export const E2E = {
  enginePort: 7171,
  engineUrl: 'http://127.0.0.1:7171',
  consolePort: 3171,
  consoleUrl: 'http://127.0.0.1:3171',
  password: 'e2e-password-1234',
};
