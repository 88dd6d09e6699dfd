"""The shipped deployment: every Kubernetes manifest validates against the official Kubernetes 1.31
schema (strict: unknown fields are errors), and the container build file starts the same commands as
`make run`, one target per service."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT

MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))


def schema_dir() -> Path:
    import importlib.util

    # kubernetes-validate ships the official Kubernetes JSON schemas; only its data is used (offline).
    package = Path(importlib.util.find_spec("kubernetes_validate").origin).parent
    return package / "kubernetes-json-schema" / "v1.31.0-local-strict"


def documents() -> list[tuple[str, dict]]:
    return [(path.name, doc) for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def schema_for(doc: dict) -> Path:
    group_version = doc["apiVersion"].split("/")
    suffix = "-".join(([group_version[0].split(".")[0]] if len(group_version) == 2 else []) + [group_version[-1]])
    return schema_dir() / f"{doc['kind'].lower()}-{suffix}.json"


def resolver(schema: dict) -> jsonschema.RefResolver:
    """References resolve to the shipped files, never to the network."""
    definitions = json.loads((schema_dir() / "_definitions.json").read_text())
    store = {"https://kubernetes.io/api/_definitions.json": definitions, "_definitions.json": definitions}
    return jsonschema.RefResolver(base_uri="https://kubernetes.io/api/", referrer=schema, store=store)


@pytest.mark.parametrize("name, doc", documents(), ids=lambda value: value if isinstance(value, str) else value.get("kind"))
def test_manifest_is_valid_kubernetes(name, doc):
    path = schema_for(doc)
    assert path.exists(), f"{name}: no schema for {doc['apiVersion']} {doc['kind']}"
    schema = json.loads(path.read_text())
    jsonschema.validate(doc, schema, resolver=resolver(schema))


def test_a_broken_manifest_is_caught():
    doc = dict(documents()[0][1])
    broken = {**doc, "spec": {"replicas": "zwei"}} if doc["kind"] == "Deployment" else {**doc, "unbekannt": 1}
    path = schema_for(broken)
    schema = json.loads(path.read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, resolver=resolver(schema))


def test_every_service_has_a_deployment_a_service_and_an_image_target():
    kinds = {(doc["kind"], doc["metadata"]["name"]) for _, doc in documents()}
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    targets = set(re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.MULTILINE))
    for service in ("rasa", "actions", "desk", "voice"):
        assert ("Deployment", service) in kinds and ("Service", service) in kinds
        assert service in targets
    assert ("StatefulSet", "redis") in kinds and ("Ingress", "assistant") in kinds
    assert ("Deployment", "outbound") in kinds and "outbound" in targets  # a worker: no Service
    for module in re.findall(r'"-m", "([\w.]+)"', dockerfile):
        path = ROOT / module.replace(".", "/")
        assert module in ("rasa", "rasa_sdk") or path.with_suffix(".py").exists() or (path / "__main__.py").exists(), module
