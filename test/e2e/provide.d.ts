import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL (ending in '/') of the built app served for the e2e tests. */
    appUrl: string;
  }
}
