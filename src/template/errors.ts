/** An error from parsing or executing a template; the message text matches Go's. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}
