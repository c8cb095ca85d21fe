export declare const E2E: {
  enginePort: number;
  engineUrl: string;
  consolePort: number;
  consoleUrl: string;
  password: string;
};
