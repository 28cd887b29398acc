/** The guides of docs/ the hosted reference shows, in order (file names without `.md`). */
export declare const GUIDES: string[];
/** The guides as one Markdown document, read from `<root>/docs`. */
export declare const composeGuides: (root: string) => string;
