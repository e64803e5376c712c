/** `text` cut to `max` characters, an ellipsis standing for what was cut (a payload's title has a limit). */
export const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
