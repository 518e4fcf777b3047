"""The registry server: Confluent's Schema Registry API and Accord's own paths, on SQLite or PostgreSQL.

Feature packages, each with the same inner names (api.py routes, service modules, repository.py SQL,
wire.py request and response models):

    schemas/         subjects, versions, schemas by id, registration, compatibility checks
    settings/        config and mode, global and per subject
    contract_store/  consumer expectations, producer samples, results, deployments, can-i-deploy
    audit/           who changed what
    auth/            credentials, roles on subject patterns, the rule of every route
    compatibility/   the pure kernel: parsing, normalization and compatibility of Avro, JSON Schema
                     and Protobuf, and the CI report formats (no web, no database)

around them: web/ (HTTP plumbing every route shares), ui/ (the browser pages), cli/ (`accord`),
app.py (create_app wires services and routes), and config, db, errors, models, locks, metrics, logs.
docs/architecture.md is the map.
"""
