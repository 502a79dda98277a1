"""A revoked token is refused by every worker process within a second."""

import time

import httpx

from .server import cli, running_service


def test_revocation_is_seen_by_every_worker_within_a_second(tmp_path):
    with running_service(tmp_path, workers=2, load=False) as (base, tokens):
        env = {"KAOPING_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
        import os

        env = {**os.environ, **env}
        env.pop("KAOPING_DATABASE_URL", None)
        created = cli(env, "token", "create", "--role", "auditor", "--name", "将撤销").strip().splitlines()
        token, token_id = created[-1], created[-2].split()[1]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(8):  # new connections: both workers know the token
            assert httpx.get(base + "/scores", headers=headers).status_code == 200
        cli(env, "token", "revoke", token_id)
        revoked = time.monotonic()
        time.sleep(1)
        statuses = [httpx.get(base + "/scores", headers=headers).status_code for _ in range(10)]
        assert time.monotonic() - revoked < 5
        assert statuses == [401] * 10
