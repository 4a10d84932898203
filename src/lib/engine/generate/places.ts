// Real US cities with their state, a ZIP range and area codes, so an address and a phone number agree
// with each other well enough for a demo (faker's cities and states are independent of each other).
import { weighted } from './random';

export interface Place {
  city: string;
  state: string;
  zip: [number, number];
  areaCodes: number[];
}

// [city, state, first ZIP, last ZIP, area codes, rough metro weight]
const TABLE: [string, string, number, number, number[], number][] = [
  ['New York', 'NY', 10001, 10282, [212, 646, 917], 18],
  ['Brooklyn', 'NY', 11201, 11256, [718, 347, 929], 9],
  ['Buffalo', 'NY', 14201, 14228, [716], 2],
  ['Los Angeles', 'CA', 90001, 90089, [213, 323, 310], 14],
  ['San Francisco', 'CA', 94102, 94134, [415, 628], 6],
  ['Oakland', 'CA', 94601, 94621, [510], 3],
  ['San Jose', 'CA', 95110, 95139, [408, 669], 4],
  ['San Diego', 'CA', 92101, 92154, [619, 858], 5],
  ['Sacramento', 'CA', 95814, 95838, [916], 3],
  ['Chicago', 'IL', 60601, 60661, [312, 773, 872], 10],
  ['Houston', 'TX', 77002, 77099, [713, 281, 832], 8],
  ['Dallas', 'TX', 75201, 75254, [214, 469, 972], 8],
  ['Austin', 'TX', 78701, 78759, [512, 737], 4],
  ['San Antonio', 'TX', 78201, 78266, [210, 726], 4],
  ['Phoenix', 'AZ', 85003, 85054, [602, 480, 623], 6],
  ['Tucson', 'AZ', 85701, 85757, [520], 2],
  ['Philadelphia', 'PA', 19102, 19154, [215, 267], 7],
  ['Pittsburgh', 'PA', 15201, 15244, [412], 3],
  ['Seattle', 'WA', 98101, 98199, [206], 5],
  ['Spokane', 'WA', 99201, 99224, [509], 1],
  ['Portland', 'OR', 97201, 97239, [503, 971], 3],
  ['Denver', 'CO', 80202, 80249, [303, 720], 4],
  ['Boston', 'MA', 2108, 2137, [617, 857], 6],
  ['Providence', 'RI', 2903, 2909, [401], 2],
  ['Hartford', 'CT', 6103, 6120, [860], 2],
  ['Newark', 'NJ', 7102, 7114, [973, 862], 3],
  ['Jersey City', 'NJ', 7302, 7311, [201, 551], 2],
  ['Baltimore', 'MD', 21201, 21239, [410, 443], 3],
  ['Washington', 'DC', 20001, 20037, [202], 4],
  ['Richmond', 'VA', 23219, 23236, [804], 2],
  ['Atlanta', 'GA', 30303, 30350, [404, 678, 470], 7],
  ['Miami', 'FL', 33125, 33196, [305, 786], 7],
  ['Orlando', 'FL', 32801, 32839, [407, 689], 3],
  ['Tampa', 'FL', 33602, 33647, [813], 3],
  ['Jacksonville', 'FL', 32202, 32258, [904], 2],
  ['Charlotte', 'NC', 28202, 28277, [704, 980], 3],
  ['Raleigh', 'NC', 27601, 27617, [919, 984], 2],
  ['Charleston', 'SC', 29401, 29414, [843], 1],
  ['Nashville', 'TN', 37201, 37221, [615, 629], 3],
  ['Memphis', 'TN', 38103, 38141, [901], 2],
  ['Birmingham', 'AL', 35203, 35244, [205], 1],
  ['New Orleans', 'LA', 70112, 70131, [504], 2],
  ['Louisville', 'KY', 40202, 40299, [502], 2],
  ['Minneapolis', 'MN', 55401, 55419, [612], 4],
  ['Milwaukee', 'WI', 53202, 53233, [414], 2],
  ['Detroit', 'MI', 48201, 48239, [313], 4],
  ['Columbus', 'OH', 43201, 43235, [614, 380], 3],
  ['Cleveland', 'OH', 44101, 44135, [216], 3],
  ['Indianapolis', 'IN', 46201, 46260, [317, 463], 3],
  ['Kansas City', 'MO', 64101, 64157, [816], 3],
  ['St. Louis', 'MO', 63101, 63147, [314], 3],
  ['Des Moines', 'IA', 50309, 50321, [515], 1],
  ['Omaha', 'NE', 68102, 68164, [402, 531], 1],
  ['Oklahoma City', 'OK', 73102, 73179, [405], 2],
  ['Albuquerque', 'NM', 87101, 87123, [505], 1],
  ['Las Vegas', 'NV', 89101, 89149, [702, 725], 3],
  ['Salt Lake City', 'UT', 84101, 84124, [801, 385], 2],
  ['Boise', 'ID', 83702, 83716, [208], 1],
  ['Honolulu', 'HI', 96813, 96826, [808], 1],
  ['Anchorage', 'AK', 99501, 99518, [907], 1]
];

export const PLACES: Place[] = TABLE.map(([city, state, lo, hi, areaCodes]) => ({
  city,
  state,
  zip: [lo, hi],
  areaCodes
}));

export const pickPlace = weighted(
  PLACES,
  TABLE.map((row) => row[5])
);
