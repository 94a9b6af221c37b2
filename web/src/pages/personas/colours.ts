/** One colour per persona, shared by the cards and the map so a card's swatch names its points (k ≤ 12). */
const PALETTE = [
  '#3b6fd8',
  '#e07b39',
  '#2a9d8f',
  '#c0392b',
  '#8e5cc2',
  '#b7791f',
  '#d45d9c',
  '#4a7c3a',
  '#5d6677',
  '#1d9bd1',
  '#a0522d',
  '#6b8e23',
];

export const personaColour = (index: number): string => PALETTE[index % PALETTE.length] as string;
