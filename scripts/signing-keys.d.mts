export declare const generateSigningKeys: (kid?: string) => Promise<string>;
export declare const generateDownloadUrlKeys: (kid?: string) => string;
