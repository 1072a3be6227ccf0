"""Operating Educa in production: health probes, request logs, degraded modes."""
