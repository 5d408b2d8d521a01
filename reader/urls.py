"""The dedupe key of an article URL: one story linked in different spellings, one key.

The key is only compared, never opened or shown: the store keeps the URL as published for
that. Normalising (for http and https URLs only; anything else is its own key):

- the scheme is dropped: http and https copies of a page are the same story;
- the host is lower-cased (a trailing dot dropped) and the default ports 80 and 443 go;
- the path keeps its case; percent-escapes of characters that need none (letters, Arabic)
  are decoded, so an escaped and a raw copy of one link match; a trailing slash goes;
- tracking parameters (`TRACKING_PARAMETERS`, any `utm_*`) are dropped and the remaining
  ones sorted by name (their order means nothing to a news site);
- the fragment goes, except a `#!` "hashbang" route, which names the page on some sites.

Deliberately kept: `www.` (some sites serve other things without it), parameters such as
`ref` or `source` (they select content on some sites: GitHub's `?ref=branch`), and bare
words such as SaudiNewsNet's `?weekly`: the republished copies those mark are found by
their identical text instead (see `reader.store`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit

__all__ = ["TRACKING_PARAMETERS", "url_key"]

# Parameters that only say how a reader got to a page (campaigns, click ids, mail tools).
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # Twitter/X
        "ttclid",  # TikTok
        "igshid",  # Instagram
        "mc_cid",  # Mailchimp
        "mc_eid",
        "mkt_tok",  # Marketo
        "_hsenc",  # HubSpot
        "_hsmi",
        "_ga",  # Google Analytics cross-domain
        "_gl",
        "oly_anon_id",  # Omeda
        "oly_enc_id",
        "vero_id",
        "ref_src",  # Twitter embeds
        "ref_url",
        "cmpid",
        "s_cid",  # Adobe
        "at_medium",  # AT Internet (BBC)
        "at_campaign",
    }
)
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = frozenset({80, 443})
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# Characters that mean something in a path: an escape of one of them stays escaped.
_RESERVED = frozenset("%/?#[]@!$&'()*+,;=:")


def _is_tracking(pair: str) -> bool:
    name = unquote_plus(pair.split("=", 1)[0]).strip().lower()
    return name in TRACKING_PARAMETERS or name.startswith(_TRACKING_PREFIXES)


def _decode_escapes(match: re.Match[str]) -> str:
    """A run of %XX escapes: decoded where the character needs no escaping, else
    re-escaped in upper case (so %2f and %2F match)."""
    raw = bytes.fromhex(match.group().replace("%", ""))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group().upper()
    out = []
    for char in text:
        if char in _RESERVED or not char.isprintable() or char.isspace():
            out.append("".join(f"%{byte:02X}" for byte in char.encode()))
        else:
            out.append(char)
    return "".join(out)


def url_key(url: str | None) -> str | None:
    """The dedupe key of `url` (None for no URL). See the module docstring for the rules."""
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a bad port or IPv6 literal: compare it as it is
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.rstrip(".")  # .hostname is lower-cased, without user and port
    if ":" in host:
        host = f"[{host}]"  # IPv6
    if port is not None and port not in _DEFAULT_PORTS:
        host = f"{host}:{port}"
    if parts.username is not None or parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[0] + "@" + host
    path = _ESCAPES.sub(_decode_escapes, parts.path).rstrip("/") or "/"
    pairs = [p for p in parts.query.split("&") if p and not _is_tracking(p)]
    pairs.sort(key=lambda pair: pair.split("=", 1)[0])  # stable: repeated names keep order
    query = _ESCAPES.sub(lambda m: m.group().upper(), "&".join(pairs))
    key = f"//{host}{path}"
    if query:
        key += f"?{query}"
    if parts.fragment.startswith("!"):
        key += f"#{parts.fragment}"
    return key
