export declare const CHROMIUM: string;
export declare function chromiumArgs(options?: { webgl?: boolean }): string[];
export declare function haveChromium(suite: string): boolean;
export declare function launchChromium<B>(
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<B> },
  options?: { webgl?: boolean },
): Promise<B>;
export declare function offlinePage(
  // biome-ignore lint/suspicious/noExplicitAny: playwright's Page, which config/ does not depend on
  page: any,
  options?: { allowFiles?: boolean },
): Promise<{ problems: string[]; requests: string[] }>;
