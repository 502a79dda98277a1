"""Requests that HTTP parsing refuses still get a problem document, from the real server."""

import json
import socket

from ..server import running_service


def raw_request(base: str, target: bytes) -> tuple[bytes, bytes]:
    host, port = base.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: kaoping\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def test_unencoded_chinese_in_the_url_is_a_problem_document(tmp_path):
    with running_service(tmp_path, load=False) as (base, _tokens):
        for target in ("/scores?unit=红旗村".encode(), "/scores/红旗".encode()):
            head, body = raw_request(base, target)
            assert head.startswith(b"HTTP/1.1 400")
            assert b"content-type: application/problem+json" in head
            problem = json.loads(body)
            assert problem["status"] == 400 and "百分号编码" in problem["detail"]
        head, _body = raw_request(base, b"/healthz")
        assert head.startswith(b"HTTP/1.1 200")  # the server goes on answering
