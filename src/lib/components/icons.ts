// Simple 20x20 stroke icons drawn for Pocket CDP; decorative unless given a title.
export const ICON_PATHS = {
  home: 'M3 9.5 10 3l7 6.5V17H12.5v-4.5h-5V17H3z',
  sandbox: 'M3 5h14v10H3zM3 8h14M6 11.5h4',
  schema: 'M4 3h12v14H4zM7 7h6M7 10h6M7 13h4',
  dataset:
    'M10 3c3.9 0 7 1.1 7 2.5v9c0 1.4-3.1 2.5-7 2.5s-7-1.1-7-2.5v-9C3 4.1 6.1 3 10 3zM3 5.5C3 6.9 6.1 8 10 8s7-1.1 7-2.5M3 10c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5',
  identity:
    'M6 7.5a2.5 2.5 0 1 0 0-.01M14.5 5a2 2 0 1 0 0-.01M13.5 15a2.5 2.5 0 1 0 0-.01M8.2 6.8l4.3-1.3M7.6 9.4l4.2 3.8M14.2 7l-.4 5.5',
  profile: 'M10 10a3.2 3.2 0 1 0 0-6.4A3.2 3.2 0 0 0 10 10zM3.5 17c.8-3.3 3.4-5 6.5-5s5.7 1.7 6.5 5',
  audience:
    'M7 9a2.6 2.6 0 1 0 0-5.2A2.6 2.6 0 0 0 7 9zM2 16c.6-2.8 2.6-4.3 5-4.3s4.4 1.5 5 4.3M13.5 8.5a2.2 2.2 0 1 0 0-4.4M14.5 11.6c1.9.3 3.1 1.7 3.5 3.9',
  policy: 'M10 2.5 16 5v4.5c0 3.8-2.6 6.8-6 8-3.4-1.2-6-4.2-6-8V5zM7.2 10l2 2 3.8-4',
  destination: 'M4 10h10M10.5 6l4 4-4 4M17 3v14',
  upload: 'M10 13V3.5M6 7.5l4-4 4 4M3.5 13v3.5h13V13',
  download: 'M10 3.5V13M6 9l4 4 4-4M3.5 13v3.5h13V13',
  trash: 'M4 6h12M8 6V3.8h4V6M5.5 6l.8 10.5h7.4L14.5 6',
  refresh: 'M16 10a6 6 0 1 1-1.8-4.3M16 3.5v3.3h-3.3',
  plus: 'M10 4v12M4 10h12',
  search: 'M8.8 14a5.2 5.2 0 1 0 0-10.4 5.2 5.2 0 0 0 0 10.4zM12.6 12.6 17 17',
  close: 'M5 5l10 10M15 5 5 15',
  check: 'M4 10.5l4 4 8-9',
  warning: 'M10 3 18 17H2zM10 8v4M10 14.5v.5',
  info: 'M10 17.5a7.5 7.5 0 1 0 0-15 7.5 7.5 0 0 0 0 15zM10 9v5M10 6v.5',
  link: 'M8.5 11.5l3-3M7 9.5 5 11.5a2.5 2.5 0 0 0 3.5 3.5l2-2M13 10.5l2-2A2.5 2.5 0 0 0 11.5 5l-2 2',
  switch: 'M4 7h11M12 4l3 3-3 3M16 13H5M8 10l-3 3 3 3',
  sparkle: 'M10 3l1.6 4.4L16 9l-4.4 1.6L10 15l-1.6-4.4L4 9l4.4-1.6z',
  chart: 'M3.5 16.5h13M6 13.5V9M10 13.5V5.5M14 13.5v-6'
} as const;
export type IconName = keyof typeof ICON_PATHS;
