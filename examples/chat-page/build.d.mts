/** The chat page, built: its HTML (which loads `./app.js`) and that script. */
export declare const buildChatPage: () => Promise<{ html: string; js: string }>;
