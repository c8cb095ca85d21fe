export interface Stack {
  index: number;
  enginePort: number;
  engineUrl: string;
  consolePort: number;
  consoleUrl: string;
  demo: string;
  password: string;
}
export declare const WORKERS: number;
export declare function stackOf(index: number): Stack;
export declare const E2E: Stack;
