import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthStateDto, SessionDto } from '@baton/protocol';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { AuthService, type SignedIn } from './auth.service.js';
import { credentialsOf } from './authenticator.js';
import { Caller, type CallerMeta } from './caller.decorators.js';
import { clearSessionCookies, setSessionCookies } from './cookies.js';
import { ChangePasswordBody, LoginBody, SetupBody } from './dto/auth.dto.js';
import { allow, RoutePolicies } from './route-policy.js';

const SIGNED_IN = allow.roles('admin', 'operator', 'viewer');

@ApiTags('auth')
@Controller('auth')
@RoutePolicies<AuthController>({
  state: { allow: allow.public() },
  setup: { allow: allow.public() },
  login: { allow: allow.public() },
  logout: { allow: SIGNED_IN },
  changePassword: { allow: SIGNED_IN },
})
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  @Get('state')
  @ApiOperation({ summary: 'Whether setup is needed, and who is signed in', description: 'Public. A missing, stale or invalid session gives `user: null`, never an error.' })
  state(@Req() req: Request): Promise<AuthStateDto> {
    return this.auth.state(credentialsOf(req));
  }

  @Post('setup')
  @ApiOperation({ summary: 'Create the first admin with the one-time setup token', description: 'Signs in. 409 SETUP_NOT_AVAILABLE once a user exists; 400 SETUP_TOKEN_INVALID for an unknown, expired or used token.' })
  async setup(@Body() body: SetupBody, @Caller() caller: CallerMeta, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionDto> {
    return this.withCookies(res, await this.auth.setup(body, caller, userAgentOf(req)));
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in', description: 'Sets the baton_session and baton_csrf cookies. 401 LOGIN_FAILED, 429 ACCOUNT_LOCKED or RATE_LIMITED (with Retry-After).' })
  @ApiOkResponse({ description: 'SessionDto' })
  async login(@Body() body: LoginBody, @Caller() caller: CallerMeta, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionDto> {
    return this.withCookies(res, await this.auth.login(body, caller, userAgentOf(req)));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out', description: 'Ends the session and clears both cookies.' })
  async logout(@Caller() caller: CallerMeta, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(caller);
    clearSessionCookies(res, this.config.cookieSecure);
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password', description: 'Needs the current password; ends your other sessions.' })
  changePassword(@Body() body: ChangePasswordBody, @Caller() caller: CallerMeta): Promise<void> {
    return this.auth.changePassword(body, caller);
  }

  private withCookies(res: Response, signedIn: SignedIn): SessionDto {
    setSessionCookies(res, signedIn.session.sessionToken, signedIn.session.csrfToken, { secure: this.config.cookieSecure, maxAgeMs: this.config.sessionTtlMs });
    return signedIn.dto;
  }
}

function userAgentOf(req: Request): string {
  return String(req.headers['user-agent'] ?? '').slice(0, 255);
}
