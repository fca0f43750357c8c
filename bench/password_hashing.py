"""Benchmark of the password hasher: what one sign-in costs, and what a guess costs.

    .venv/bin/python bench/password_hashing.py

Hashes one password with the portal's hasher (settings.PASSWORD_HASHERS[0],
Argon2id with 3 passes over 64 MiB) and with Django's PBKDF2 default, and prints
the CPU time and peak memory of each, and their ratio. The CPU time is what a
burst of sign-ins costs the server (the login page must not be a way to exhaust
it; django-axes bounds the number of attempts); the memory is what makes a guess
expensive on a GPU, where PBKDF2's few bytes are not.

This is a benchmark, not a test: nothing here fails on a number.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher  # noqa: E402

ROUNDS = 5


def measure(hasher) -> tuple[float, int]:
    """CPU seconds of one hash (the median of ROUNDS) and the memory the hasher asks for."""
    encoded = hasher.encode("a-real-password-42", hasher.salt())
    times = []
    for _round in range(ROUNDS):
        started = time.process_time()
        hasher.verify("a-real-password-42", encoded)
        times.append(time.process_time() - started)
    memory = getattr(hasher, "memory_cost", 0) * 1024
    return sorted(times)[ROUNDS // 2], memory


def main():
    portal = get_hasher("default")
    pbkdf2 = PBKDF2PasswordHasher()
    portal_cpu, portal_memory = measure(portal)
    pbkdf2_cpu, _memory = measure(pbkdf2)
    print(f"portal hasher: {portal.algorithm} ({type(portal).__name__})")
    print(
        f"  CPU per sign-in: {portal_cpu * 1000:.0f} ms, memory per hash: {portal_memory >> 20} MiB"
    )
    print(f"Django's PBKDF2 ({pbkdf2.iterations:,} iterations)")
    print(f"  CPU per sign-in: {pbkdf2_cpu * 1000:.0f} ms, memory per hash: a few bytes")
    print(f"ratio portal / PBKDF2 CPU: {portal_cpu / pbkdf2_cpu:.2f}")
    print(
        f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10} MiB"
    )


if __name__ == "__main__":
    main()
