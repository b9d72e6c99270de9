/**
 * The access feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { admitSignIn, retryMinutes, signInSucceeded, waitForTurn } from './attempts.ts';
export { addUser, changePassword, issueToken, removeUser, withdrawToken } from './commands.ts';
export { createDemoAdmin } from './demo-admin.ts';
export { deviceCookieName, DEVICE_TTL_MS, issueDeviceCookie, knownDevice } from './devices.ts';
export { requireDesk, safeNext, sessionCookieName } from './desk-guard.ts';
export { requireAdmin, requireAdminRole, requireIntakeToken } from './guard.ts';
export { decoyHash, PASSWORD_RULE, verifyPassword } from './passwords.ts';
export { NewPasswordInput, NewTokenInput, NewUserInput } from './schemas.ts';
export { findUserByEmailOrName, findUserForSignIn, listTokens, listUsers, usersWithRole } from './queries.ts';
export { createSession, endSession, pruneSessions, type Session, SESSION_TTL_MS } from './sessions.ts';
