import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { publicError } from 'example-shared';

/**
 * Every error the handshake leaves to Nest ends here (verify refusing a user, a server fault, a route's own
 * exception): JSON `{ error, code }` with the exception's status, never a stack. The log gets the typed error.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = publicError(error instanceof HttpException ? { status: error.getStatus() } : error);
    if (status >= 500) console.error('example-nestjs: request failed:', error);
    if (res.headersSent) res.end();
    else res.status(status).json(body);
  }
}
