"""What an operator sees of the host: Prometheus metrics (``metrics``, ``exposition``,
``multiprocess``), OpenTelemetry traces (``tracing``, with the ``otel`` extra), JSON logs
(``logs``) and the status summary (``summary``). Imported by the host and the CLI only; the
connector says what happened through ``connector_front.observe``.
"""
