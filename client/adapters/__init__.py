"""Broker adapters: `memory` needs nothing, `kafka` and `rabbitmq` need the extras of those names."""
