"""Block network access in kernels started by the course build and tests.

Put this folder first on PYTHONPATH and set COURSE_OFFLINE=1: any attempt to
reach a host other than this machine then fails with a clear message, so a
notebook that quietly downloads something fails its test instead of failing
later in a classroom with no network.
"""

import os
import socket

if os.environ.get("COURSE_OFFLINE") == "1":
    _LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "::1", "0.0.0.0", ""}

    def _is_local(host: object) -> bool:
        name = str(host).strip("[]").lower()
        return name in _LOCAL_NAMES or name.startswith("127.")

    def _refuse(host: object, port: object) -> OSError:
        return OSError(
            f"network access blocked: this course runs offline (tried to reach {host}:{port}). "
            "Ship the data in data/ instead of downloading it."
        )

    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def connect(self, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _refuse(address[0], address[1])
        return _connect(self, address)

    def connect_ex(self, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _refuse(address[0], address[1])
        return _connect_ex(self, address)

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host is not None and not _is_local(host):
            raise _refuse(host, port)
        return _getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
