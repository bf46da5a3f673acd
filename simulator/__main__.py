"""`python -m simulator --port 8091 [--scale N] [--decidim-version 0.31] ...`"""

from __future__ import annotations

import argparse

from simulator.profiles import VERSIONS
from simulator.server import serve


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="simulator", description="A Decidim stand-in.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8091)
    p.add_argument(
        "--decidim-version", "--version", dest="version", choices=VERSIONS, default="0.28"
    )
    p.add_argument("--scale", type=int, default=0, help="generated proposals to add")
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--page-cap", type=int, default=50)
    p.add_argument("--rate-limit", type=int, default=100, help="requests/min per IP, 0 = off")
    p.add_argument("--unstable-order", action="store_true")
    p.add_argument("--cursors", choices=("offsets", "relay", "opaque"), default="offsets")
    p.add_argument("--force-login", action="store_true")
    p.add_argument("--force-api-auth", action="store_true")
    p.add_argument("--disclose-version", action="store_true")
    p.add_argument("--api-key")
    p.add_argument("--api-secret")
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--error-rate", type=float, default=0.0)
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    credentials = (args.api_key, args.api_secret) if args.api_key and args.api_secret else None
    serve(
        args.host,
        args.port,
        version=args.version,
        scale=args.scale,
        seed=args.seed,
        page_cap=args.page_cap,
        rate_limit=args.rate_limit,
        unstable_order=args.unstable_order,
        cursors=args.cursors,
        force_login=args.force_login,
        force_api_auth=args.force_api_auth,
        disclose_version=args.disclose_version,
        api_credentials=credentials,
        faults={"latency_ms": args.latency_ms, "error_rate": args.error_rate},
    )


if __name__ == "__main__":
    main()
