"""Command-line webhook readiness check (`webhook check`) and the live certificate of any https:// host against the
project's inventory (`cert check-live`). Both are network actions, made only when typed: one TLS handshake
(wizard/core/tls_probe.py), nothing else sent; exit 0 only when every check passes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.app import Services
from wizard.cli_keys import open_session
from wizard.cli_output import emit
from wizard.core.errors import InvalidInput, WizardError

Command = Callable[[argparse.Namespace, Services], int]
OPTIONS = {"connect_to": "--connect-to"}
_MARK = {"ok": "ok     ", "problem": "PROBLEM", "note": "note   "}
_CONNECT_TO_HELP = ("connect to HOST:PORT instead (a load balancer, a test server, even this computer); the URL's "
                    "host is still the name sent and checked")


def _connect_to(text: str) -> tuple[str, int]:
    from wizard.core.tls_probe import ProbeFailed, parse_connect_to

    try:
        return parse_connect_to(text)
    except ProbeFailed as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser],
                folder_arg: Callable[[str], Path]) -> None:
    webhook = sub.add_parser("webhook", help="is a channel's webhook ready for the DIP? (connects only when you "
                             "ask)").add_subparsers(dest="action", metavar="ACTION", required=True,
                                                     parser_class=parser_class)
    check = webhook.add_parser("check", parents=[common], help="one TLS handshake with the recorded webhook: TLS "
                               "version, certificate, chain, client certificate request; exit 0 only when ready")
    check.add_argument("dir", type=folder_arg, metavar="DIR")
    check.add_argument("--dip-id", required=True, metavar="ID")
    check.add_argument("--channel", required=True, metavar="IF-NNN", help="IF-nnn or PUB-nnn")
    check.add_argument("--connect-to", type=_connect_to, metavar="HOST:PORT", help=_CONNECT_TO_HELP)


def add_check_live_parser(cert: Any, common: argparse.ArgumentParser, folder_arg: Callable[[str], Path]) -> None:
    """`cert check-live`, in the `cert` group (cli_certs.py)."""
    live = cert.add_parser("check-live", parents=[common], help="one TLS handshake with any https:// host: the "
                           "certificate it presents, against the project's certificates and their expiry")
    live.add_argument("url", metavar="URL", help="an https:// address")
    live.add_argument("--connect-to", type=_connect_to, metavar="HOST:PORT", help=_CONNECT_TO_HELP)
    live.add_argument("--project", dest="dir", type=folder_arg, metavar="DIR", help="compare with this project's "
                      "certificates (without it, only the server's own certificate is judged)")


def _lines(readiness: Any) -> list[str]:
    return [f"  {_MARK[c.status]}  {c.message}" for c in readiness.checks]


def webhook_check(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.webhooks import finish_webhook_check, webhook_target
    from wizard.core.tls_probe import probe
    from wizard.core.webhook_readiness import summary

    session = open_session(args, s)
    target = webhook_target(session, args.dip_id, args.channel, args.connect_to)
    c = target.channel
    readiness = finish_webhook_check(session, target, probe(target.endpoint))
    text = [f"The webhook of {c.channel} (DIP ID {c.dip_id}): {c.url}",
            f"One TLS handshake with {readiness.facts.endpoint.where}, naming {target.endpoint.server_name}; "
            "nothing else was sent.", *_lines(readiness), summary(readiness)]
    emit(args, "\n".join(text), {"dip_id": c.dip_id, "channel": c.channel, **readiness.as_json()})
    return 0 if readiness.ready else 1


def cert_check_live(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.algorithms import fingerprint_text
    from wizard.core.certfiles import certificate_fingerprint, common_name, issuer_name
    from wizard.core.tls_probe import probe
    from wizard.core.webhook_readiness import endpoint_for, live_certificate, summary

    session = open_session(args, s) if args.dir is not None else None
    try:
        endpoint = endpoint_for(s.profile, args.url, args.connect_to, stored=False)
    except InvalidInput as exc:  # URL is positional here: no option to name
        raise WizardError(str(exc)) from None
    facts = probe(endpoint)
    readiness = live_certificate(s.profile, session.project if session else None, args.url, facts, s.clock())
    fingerprint = certificate_fingerprint(facts.leaf)
    if session is not None:
        session.record("live certificate checked", {"url": readiness.url, "connected_to": endpoint.where,
                                                    "fingerprint": fingerprint,
                                                    "problems": [c.topic for c in readiness.problems]})
    text = [f"One TLS handshake with {endpoint.where}, naming {endpoint.server_name}; nothing else was sent.",
            f"It presents {common_name(facts.leaf)} from {issuer_name(facts.leaf)}, {fingerprint_text(fingerprint)}.",
            *_lines(readiness), summary(readiness, "the certificate")]
    if session is None:
        text.append("Give --project DIR to compare it with a project's certificates and their expiry.")
    emit(args, "\n".join(text), readiness.as_json())
    return 0 if readiness.ready else 1


COMMANDS: dict[tuple[str, str | None], Command] = {
    ("webhook", "check"): webhook_check,
    ("cert", "check-live"): cert_check_live,
}
