export declare const generateSigningKeys: (kid?: string) => Promise<string>;
