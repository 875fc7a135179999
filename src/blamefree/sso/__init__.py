"""Single sign-on adapters: the OpenID Connect relying party (``sso.oidc``)."""
