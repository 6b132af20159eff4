"""The webhook readiness check, the same from both sides, in the three halves slow work takes here: `webhook_target`
(which address, on the caller's thread; refuses before any connection), `tls_probe.probe` (the handshake: the
GUI runs it on a worker), and `finish_webhook_check` (the verdict, recorded in the audit trail)."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.model import Channel
from wizard.core.session import ProjectSession
from wizard.core.tls_probe import Endpoint, HandshakeFacts
from wizard.core.webhook_readiness import Readiness, channel_to_check, endpoint_for, webhook_readiness


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    channel: Channel
    endpoint: Endpoint

    def announcement(self) -> str:
        """What is about to happen, said before the connection is made."""
        e = self.endpoint
        to = e.where if e.host != e.server_name else f"{e.server_name}:{e.port}"
        via = f", naming {e.server_name}" if e.host != e.server_name else ""
        return (f"This opens one secure (TLS) connection to {to}{via}, the webhook of {self.channel.channel}, "
                "takes part in the handshake and closes it: nothing else is sent.")


def webhook_target(session: ProjectSession, dip_id: str, channel: str,
                   connect_to: tuple[str, int] | None = None) -> WebhookTarget:
    found = channel_to_check(session.profile, session.project, dip_id, channel)
    return WebhookTarget(found, endpoint_for(session.profile, found.url, connect_to, stored=True))


def finish_webhook_check(session: ProjectSession, target: WebhookTarget, facts: HandshakeFacts) -> Readiness:
    from wizard.core.certfiles import certificate_fingerprint

    readiness = webhook_readiness(session.profile, session.project, target.channel.url, facts, session.clock())
    session.record("webhook checked", {
        "dip_id": target.channel.dip_id, "channel": target.channel.channel, "url": target.channel.url,
        "connected_to": facts.endpoint.where, "verdict": readiness.verdict, "tls_version": facts.tls_version,
        "fingerprint": certificate_fingerprint(facts.leaf),
        "problems": [c.topic for c in readiness.problems]})
    return readiness
