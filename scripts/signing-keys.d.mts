export declare const generateSigningKeys: (kid?: string) => Promise<string>;
export declare const generateKeyring: (kid?: string) => string;
