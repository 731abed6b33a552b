/** The colours of the two modes, the same on every chart and graph of the console. */
export const MODE_COLOURS: Record<string, string> = { sdk: '#faad14', mesh: '#2f54eb' };
