// JSON text columns back to values; the store wrote them, so a parse failure is data corruption, not user error.
import { AppError } from '../../errors/app-error.js';

export function parseJsonColumn<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new AppError({
      code: 'Internal',
      message: 'A stored JSON column could not be parsed',
      cause: error,
    });
  }
}
