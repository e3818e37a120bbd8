"""Microsoft Teams: the same answers as Slack, served as a Bot Framework endpoint.

``auth`` verifies incoming tokens and fetches outgoing ones, ``connector`` talks to the Bot
Connector service, ``cards`` renders the shared answer model as Adaptive Cards, ``handlers``
decides what to answer, ``app`` is the WSGI endpoint ``POST /api/messages``.
"""
