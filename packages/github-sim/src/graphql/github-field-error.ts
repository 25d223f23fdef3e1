/**
 * An error a resolver raises the way GitHub reports it: the field resolves to null and
 * `errors[]` gets an entry with GitHub's `type` (`NOT_FOUND`, `INVALID_CURSOR_ARGUMENTS`, …)
 * beside its `path` and `locations`.
 */
export class GitHubFieldError extends Error {
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.name = 'GitHubFieldError';
    this.type = type;
  }
}
