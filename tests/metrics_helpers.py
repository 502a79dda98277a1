"""Services made with their own settings, clients from a given address, and reading a
/metrics answer in tests: every sample by name and labels."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.settings import Settings

from .conftest import VILLAGE_TEXT, Service

LOCAL = ("127.0.0.1", 41000)
REMOTE = ("203.0.113.7", 41000)


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def service_factory(tmp_path, with_village: bool = False) -> Iterator[Callable[..., Service]]:
    """For a fixture (`yield from`): makes services with the settings given, each on its own
    data folder (with the village ruleset loaded if asked), and stops them all afterwards."""
    made = []

    def make(**settings) -> Service:
        app = create_app(Settings(data_dir=tmp_path / str(len(made)), **settings))
        made.append(app)
        service = Service(app)
        if with_village:
            assert service.add_ruleset(VILLAGE_TEXT).status_code == 201
        return service

    yield make
    for app in made:
        app.state.batches.stop()
        app.state.engine.dispose()


def client(service: Service, address: tuple[str, int]) -> TestClient:
    return TestClient(service.app, client=address, raise_server_exceptions=False)
