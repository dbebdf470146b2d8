export declare const CHROMIUM: string;
export declare function chromiumArgs(options?: { webgl?: boolean }): string[];
export declare function haveChromium(suite: string): boolean;
export declare function launchChromium<B>(
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<B> },
  options?: { webgl?: boolean },
): Promise<B>;
