/**
 * The search feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { matchExpression, readSearchText, type SearchRef, type SearchText, type SearchWord } from './rules.ts';
export { asksForAnything, refOf, SearchQuery, searchCriteria, searchKey, type SearchCriteria } from './schemas.ts';
export { searchPublished } from './queries.ts';
export type { SearchFound, SearchHit } from './store.ts';
