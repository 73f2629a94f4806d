"""Certificate verifications per second through the API, against raw signature verification.

Run by ``python -m benchmarks`` against the benchmark's PostgreSQL database, with
``benchmarks.settings``. Both loops run in one process on one issued e-business licence: the
baseline verifies the credential's Ed25519 signature with joserfc and a key already imported;
the scenario posts the same credential to ``POST /api/v1/certificates/verify`` through Django's
test client and the production middleware: parsing, the rate limit, the key lookup, the
signature, the issuer and certificate checks, the status. The ratio says what the platform adds
to the cryptography.
"""

from __future__ import annotations

import json
import time
import uuid
import warnings

import django

SECONDS = 5.0


def main() -> None:
    django.setup()
    from django.core.cache import cache
    from django.test import Client, override_settings
    from joserfc import jws
    from joserfc.jwk import OKPKey
    from stdnum.cn import uscc

    from tongban.certificates import services
    from tongban.certificates.constants import BUSINESS_LICENCE, HolderKind
    from tongban.certificates.selectors import Holder
    from tongban.organization.constants import RegionLevel, StandardDepartmentType
    from tongban.organization.factories import (
        DepartmentFactory,
        DepartmentTypeFactory,
        RegionFactory,
        factory_create,
    )
    from tongban.organization.models import Department

    services.certificate_types_ensure()
    city = factory_create(RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY)
    department_type = factory_create(
        DepartmentTypeFactory, code=StandardDepartmentType.MARKET_REGULATION
    )
    # The workflow scenario may have made the city's market regulation department already.
    department = Department.objects.filter(type=department_type, region=city, parent=None).first()
    if department is None:
        department = factory_create(
            DepartmentFactory,
            code=f"B-CERT-{uuid.uuid4().hex[:6]}",
            type=department_type,
            region=city,
        )
    body = f"1199020{uuid.uuid4().int % 10**10:010d}"
    issuer = services.issuer_register(
        department=department, credit_code=body + uscc.calc_check_digit(body), actor=None
    )
    holder_code = "92990202MA0000001"
    holder_code += uscc.calc_check_digit(holder_code)
    certificate = services.certificate_issue(
        certificate_type_code=BUSINESS_LICENCE,
        department=department,
        holder=Holder(HolderKind.ENTERPRISE, holder_code, "海川市临江区林𠇔小吃店"),
        data={
            "name": "海川市临江区林𠇔小吃店",
            "credit_code": holder_code,
            "kind": "个体工商户",
            "legal_representative": "林𠇔",
            "established_on": "2025-03-14",
            "address": "海川市临江区滨江街道江堤路18号",
            "business_scope": "餐饮服务；食品销售",
        },
    )
    key = OKPKey.import_key(certificate.issuer_key.public_jwk)
    token = certificate.credential
    warnings.simplefilter("ignore")

    raw = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        jws.deserialize_compact(token, key, algorithms=["Ed25519"])
        raw += 1
    raw_rate = raw / (time.perf_counter() - started)

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    body_json = json.dumps({"credential": token})
    verified = 0
    # One client address would meet the public rate limit at once; the limit is not what is
    # measured here.
    with override_settings(CERTIFICATE_VERIFY_RATE_LIMIT=10**9):
        cache.clear()
        started = time.perf_counter()
        while time.perf_counter() - started < SECONDS:
            response = client.post(
                "/api/v1/certificates/verify", body_json, content_type="application/json"
            )
            if response.status_code != 200 or not response.json()["valid"]:
                raise SystemExit(
                    f"verification failed: {response.status_code} {response.content!r}"
                )
            verified += 1
        api_rate = verified / (time.perf_counter() - started)
    print(
        f"| certificates: verify a credential through the API (in-process) | {api_rate:,.0f}/s | "
        f"raw Ed25519 signature verification {raw_rate:,.0f}/s | "
        f"ratio {api_rate / raw_rate:.3f} | {verified} verifications | issuer {issuer.pk} |"
    )


if __name__ == "__main__":
    main()
