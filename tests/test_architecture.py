"""What import-linter's layer contract cannot say: apps use only each other's public modules."""

from __future__ import annotations

import grimp

# DESIGN.md §4: an app imports from a lower app only these modules.
PUBLIC_MODULES = {"services", "selectors", "constants", "exceptions", "models"}
# Core is the kernel: its helper modules are meant for every app.
CORE_PRIVATE = {"tests", "management", "migrations", "admin", "apps", "tasks", "api"}
# Tests of upper apps build their personas from lower apps' factories.
TEST_ONLY_PUBLIC = {"factories", "tests.factories"}
# The demo city is built from the same factories as the test personas (issue "Foundation 2/3";
# STYLE.md habit 14), so the seed command may import them too.
DEMO_SEED_MODULES = {"tongban.web.management.demo_city"}


def _app_and_rest(module: str) -> tuple[str, str]:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "", ".".join(parts[2:])


def test_apps_import_only_the_public_modules_of_other_apps():
    graph = grimp.build_graph("tongban")
    violations = []
    for importer in sorted(graph.modules):
        importer_app, importer_rest = _app_and_rest(importer)
        if importer_app in {"", "config"}:
            continue
        in_tests = importer_rest.startswith("tests") or ".tests" in importer_rest
        in_tests = in_tests or importer in DEMO_SEED_MODULES
        for imported in graph.find_modules_directly_imported_by(importer):
            imported_app, imported_rest = _app_and_rest(imported)
            if imported_app in {"", importer_app} or not imported.startswith("tongban."):
                continue
            first = imported_rest.split(".")[0]
            if imported_app == "core":
                allowed = first not in CORE_PRIVATE or (
                    in_tests and imported_rest in TEST_ONLY_PUBLIC
                )
            else:
                allowed = imported_rest in PUBLIC_MODULES or (
                    in_tests and imported_rest in TEST_ONLY_PUBLIC
                )
            if not allowed:
                violations.append(f"{importer} -> {imported}")
    assert violations == []
