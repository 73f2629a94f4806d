"""Tongban as an OpenID Connect provider for other departments' systems (ADR 7).

allauth's provider (``allauth.idp.oidc``) speaks the protocol; this package adds what a
government platform needs on top: Tongban's claims and scopes (``scopes``), a pairwise
``sub`` per client and remembered, revocable consent (``models``, ``services``,
``selectors``), ``acr``/``amr`` from how the consenting session signed in (``adapter``), the
consent and "connected systems" pages (``views``).
"""
