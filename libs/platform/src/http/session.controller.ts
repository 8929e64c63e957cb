// POST /api/session: a browser exchanges an API token for an HttpOnly, SameSite=Strict session cookie, so the dashboard's
// event stream and decisions are authenticated without the token ever being readable by the page's script.
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiHttpError } from './api-error';
import { ApiActor } from './api-credentials';
import { Actor, Public, RateLimited } from './api-auth.decorators';
import { ApiAuthenticator, SESSION_COOKIE } from './api-authenticator';

const ERROR = { schema: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } };
const SESSION = {
  schema: {
    type: 'object',
    required: ['name', 'role'],
    properties: { name: { type: 'string' }, role: { type: 'string', enum: ['viewer', 'operator', 'admin'] } },
  },
};

@ApiTags('session')
@Controller('api/session')
export class SessionController {
  constructor(private readonly authenticator: ApiAuthenticator) {}

  @Post()
  @Public()
  @RateLimited('session')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'sign in: exchanges an API token for an HttpOnly SameSite=Strict session cookie (12 h)' })
  @ApiBody({ schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } } })
  @ApiOkResponse(SESSION)
  @ApiResponse({ status: 400, description: 'API.VALIDATION_FAILED', ...ERROR })
  @ApiResponse({ status: 401, description: 'API.UNAUTHORIZED', ...ERROR })
  @ApiResponse({ status: 429, description: 'API.RATE_LIMITED', ...ERROR })
  async open(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<ApiActor> {
    const token = (body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192)
      throw new ApiHttpError('API.VALIDATION_FAILED', 'the body must be {"token": "<API token>"}', 400);
    const session = await this.authenticator.openSession(token);
    response.setHeader('Set-Cookie', this.cookie(session.id, session.maxAgeSeconds));
    return session.actor;
  }

  @Get()
  @ApiOperation({ summary: 'who this request is signed in as' })
  @ApiOkResponse(SESSION)
  @ApiResponse({ status: 401, description: 'API.UNAUTHORIZED', ...ERROR })
  whoAmI(@Actor() actor: ApiActor): ApiActor {
    return actor;
  }

  @Delete()
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'sign out: forgets the session and clears its cookie' })
  @ApiResponse({ status: 204, description: 'signed out' })
  close(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    this.authenticator.closeSession(request.headers);
    response.setHeader('Set-Cookie', this.cookie('', 0));
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return [
      `${SESSION_COOKIE}=${value}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAgeSeconds}`,
      ...(this.authenticator.secureCookies ? ['Secure'] : []),
    ].join('; ');
  }
}
