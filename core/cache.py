"""The portal's Redis cache backend: one connection pool and one client per
process for each server, shared by every cache alias that names it.

Django's own backend builds a pool per alias and thread, and a new client
object for each operation; the portal reads the cache several times in every
page (the figures' version, the role, the review queue's count, rendered
sections), so the client is made once. The pool itself is safe after a fork:
redis-py opens new connections in a child process.
"""

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict[str, object] = {}
_lock = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        url = self._servers[self._get_connection_pool_index(write)]
        client = _clients.get(url)
        if client is None:
            with _lock:
                client = _clients.get(url)
                if client is None:
                    pool = self._pool_class.from_url(url, **self._pool_options)
                    client = _clients[url] = self._client(connection_pool=pool)
        return client


class SharedPoolRedisCache(RedisCache):
    """RedisCache with one pool and one client per process and server."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolClient
