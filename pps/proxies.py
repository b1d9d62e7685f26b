"""Which address is the client's when the app sits behind reverse proxies.

Sign-in throttling counts failures per address (django-axes, reading it with
django-ipware). Behind Caddy every request comes from the proxy (over a unix
socket, from no address at all), so without this one person's wrong passwords
would pause sign-in for everybody.

Caddy replaces any X-Forwarded-For a client sends with the address it saw (it
trusts no proxy before it unless told to), and each proxy trusted in front of
it adds the address it saw. So with ``proxies`` proxies in front of the app the
header holds the client's address followed by ``proxies - 1`` proxy addresses,
which is what django-ipware's strict proxy count means. A header with another
number of entries (a client's own forgery passed along by a misconfigured
proxy) gives no address rather than a chosen one.
"""


def throttle_address_settings(proxies: int) -> tuple[int | None, tuple[str, ...]]:
    """django-axes' AXES_IPWARE_PROXY_COUNT and AXES_IPWARE_META_PRECEDENCE_ORDER
    for ``proxies`` proxies in front of the app."""
    if proxies <= 0:
        # Straight to the app (development, tests): the socket's peer, never a header.
        return None, ("REMOTE_ADDR",)
    return proxies - 1, ("HTTP_X_FORWARDED_FOR",)
