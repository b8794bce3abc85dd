/** Authentication (401) and authorization (403) failures; the API server maps them by `name`. */

export class UnauthorizedError extends Error {
  override readonly name = 'Unauthorized';
  readonly retriable = false;
  constructor(detail: string) {
    super(`${detail}; pass "Authorization: Bearer <token>" (the admin token is in <dataDir>/admin.token)`);
  }
}

export class ForbiddenError extends Error {
  override readonly name = 'Forbidden';
  readonly retriable = false;
}
