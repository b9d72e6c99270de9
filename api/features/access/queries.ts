/**
 * Reading who may use Herald, for the desk, the CLIs and the freshness reminders: the store's
 * reads as they are (nothing to derive). A token's text and a password never come out: only
 * their hashes are stored, and only sign-in sees a password's.
 */
export { findUserByEmailOrName, findUserForSignIn, listTokens, listUsers, type TokenInfo, type User, usersWithRole } from './store.ts';
